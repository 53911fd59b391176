package jackal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Fork;

/**
 * The benchmark forks run the kernel under the collector flags the launcher gives {@code ./jackal
 * run}: a figure measured under other card-marking flags measures another kernel (the card size
 * alone moved the two-CPU throughput by a third, docs/BENCHMARKS.md, "Eleventh session").
 */
class ForkFlagsTest {

  /** Every class named in JMH's generated benchmark list, and the forks declared on it. */
  private static Map<String, String[]> forks() throws IOException, ClassNotFoundException {
    List<String> classes = new ArrayList<>();
    try (InputStream in =
        ForkFlagsTest.class.getClassLoader().getResourceAsStream("META-INF/BenchmarkList")) {
      assertThat(in).as("JMH's benchmark list on the test class path").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        for (String word : line.split("\\s+")) {
          if (word.startsWith("jackal.bench.") && word.endsWith("Benchmark")) {
            if (!classes.contains(word)) {
              classes.add(word);
            }
          }
        }
      }
    }
    assertThat(classes).as("benchmark classes found").hasSizeGreaterThan(10);
    Map<String, String[]> forks = new LinkedHashMap<>();
    for (String name : classes) {
      Class<?> c = Class.forName(name);
      List<AnnotatedElement> places = new ArrayList<>();
      places.add(c);
      for (Method m : c.getDeclaredMethods()) {
        places.add(m);
      }
      for (AnnotatedElement e : places) {
        Fork f = e.getAnnotation(Fork.class);
        if (f != null) {
          forks.put(e.toString(), f.jvmArgsAppend());
        }
      }
    }
    return forks;
  }

  @Test
  void everyForkUnderTheLaunchersCollectorPassesItsCardFlags() throws Exception {
    Map<String, String[]> forks = forks();
    assertThat(forks).isNotEmpty();
    for (Map.Entry<String, String[]> f : forks.entrySet()) {
      List<String> args = List.of(f.getValue());
      if (args.contains(Jvm.GC)) {
        assertThat(args).as(f.getKey()).contains(Jvm.CARD_MARK, Jvm.CARD_SIZE);
      }
    }
  }

  @Test
  void theLauncherPassesTheSameCollectorAndCardFlags() throws IOException {
    Path launcher = Path.of("..", "jackal");
    assertThat(launcher).as("the launcher script beside the bench module").exists();
    String script = Files.readString(launcher);
    assertThat(script)
        .contains("\"${JACKAL_GC:-" + Jvm.GC + "}\"")
        .contains("CARD_FLAG=\"" + Jvm.CARD_MARK + "\"")
        .contains("CARD_SIZE_FLAG=\"" + Jvm.CARD_SIZE + "\"")
        .contains("\"$CARD_FLAG\" \"$CARD_SIZE_FLAG\"");
  }
}
