package jackal.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plugin's own logic: which files it compiles, how it runs the compiler, what it reports. */
class CapIdlMojoTest {
  @TempDir Path dir;

  private static final String GOOD =
      """
      package demo;
      interface Counter extends coyotos.Cap {
        unsigned long next();
      };
      """;

  /** The jackal-idl jar (or classes directory) the test class path holds, as the plugin's. */
  private static Path compiler() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(
            e ->
                e.contains("jackal-idl")
                    || e.replace(File.separatorChar, '/').contains("/idl/target/"))
        .map(Path::of)
        .findFirst()
        .orElseThrow(() -> new AssertionError("jackal-idl is not on the test class path"));
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private Path write(String relative, String text) throws IOException {
    Path p = dir.resolve(relative);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    return p;
  }

  @Test
  void findsEveryIdlFileBelowTheSourceDirectoryInOrder() throws Exception {
    Path b = write("src/b/B.idl", GOOD);
    Path a = write("src/a/A.idl", GOOD);
    write("src/a/notes.txt", "not CapIDL");
    assertThat(CapIdlMojo.idlFiles(dir.resolve("src"))).containsExactly(a, b);
  }

  @Test
  void aMissingSourceDirectoryHasNoFiles() throws Exception {
    assertThat(CapIdlMojo.idlFiles(dir.resolve("absent"))).isEmpty();
  }

  @Test
  void generatesClientAndSkeletonUnderThePrefix() throws Exception {
    Path src = write("src/demo/Counter.idl", GOOD);
    Path out = dir.resolve("out");
    Path res = dir.resolve("res");
    CapIdlMojo.Result r =
        CapIdlMojo.generate(
            java(), compiler(), out, res, "my.idl", "jackal.runtime.idl", List.of(src));
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(out.resolve("my/idl/demo/CounterClient.java")).exists();
    // The names a trace gives the calls, as a resource the program's jar carries.
    assertThat(Files.readString(res.resolve("META-INF/jackal/capidl-names.txt")))
        .containsPattern("(?m)^method 0x[0-9a-f]+ demo\\.Counter\\.\\w+$");
    assertThat(out.resolve("my/idl/demo/CounterSkeleton.java")).exists();
    assertThat(Files.readString(out.resolve("my/idl/demo/CounterServer.java")))
        .contains("extends jackal.runtime.idl.coyotos.CapServer");
  }

  @Test
  void aMalformedFileFailsWithItsLineAndColumn() throws Exception {
    Path src =
        write(
            "src/demo/Bad.idl",
            "package demo;\ninterface Bad extends coyotos.Cap {\n  void f(;\n};\n");
    CapIdlMojo.Result r =
        CapIdlMojo.generate(
            java(),
            compiler(),
            dir.resolve("out"),
            dir.resolve("res"),
            "my.idl",
            "jackal.runtime.idl",
            List.of(src));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.output()).contains("Bad.idl:3:");
  }

  @Test
  void anOldJdkIsExplainedAsNeedingJdk25() {
    assertThat(
            CapIdlMojo.explain(
                "Error: LinkageError occurred while loading main class jackal.idl.Main\n"
                    + "\tjava.lang.UnsupportedClassVersionError: jackal/idl/Main has been compiled"
                    + " by a more recent version"))
        .contains("needs JDK 25");
  }
}
