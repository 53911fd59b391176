package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.idl.coyotos.KernLogClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An honest program written in everyday modern Java: records, enums, sealed interfaces with a
 * pattern switch, lambdas and method references, string concatenation and a text block,
 * collections, Optional, sequential streams, exceptions caught and rethrown. It must load and run
 * untouched; it logs one line with what it computed.
 */
public final class ModernJava implements ProgramEntry {
  /** A shape. */
  public sealed interface Shape permits Circle, Square {}

  /** A circle. */
  public record Circle(int r) implements Shape {}

  /** A square. */
  public record Square(int side) implements Shape {}

  /** A colour. */
  public enum Colour {
    RED,
    GREEN,
    BLUE
  }

  static long area(Shape s) {
    return switch (s) {
      case Circle c -> 3L * c.r() * c.r();
      case Square q -> (long) q.side() * q.side();
    };
  }

  static String name(Colour c) {
    return switch (c) {
      case RED -> "r";
      case GREEN -> "g";
      case BLUE -> "b";
    };
  }

  @Override
  public void run(SystemCalls sys) throws Exception {
    List<Shape> shapes = List.of(new Circle(2), new Square(3), new Circle(1));
    long total = shapes.stream().mapToLong(ModernJava::area).sum();
    Map<Colour, Integer> counts = new EnumMap<>(Colour.class);
    for (Colour c : Colour.values()) {
      counts.merge(c, c.name().length(), Integer::sum);
    }
    String colours =
        counts.keySet().stream().map(ModernJava::name).collect(Collectors.joining(","));
    Map<Boolean, List<Integer>> parity =
        IntStream.rangeClosed(1, 10).boxed().collect(Collectors.partitioningBy(i -> i % 2 == 0));
    TreeMap<String, Integer> sorted = new TreeMap<>(Comparator.reverseOrder());
    sorted.put("a", 1);
    sorted.put("b", 2);
    Function<Integer, Integer> twice = x -> x * 2;
    Optional<String> first = Optional.of("x").map(v -> v + v);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      sb.append(i);
    }
    List<String> words = new ArrayList<>(List.of("pear", "fig", "apple"));
    words.sort(Comparator.comparing(String::length).thenComparing(Function.identity()));
    Map<String, Integer> hm = new HashMap<>();
    words.forEach(w -> hm.put(w, w.length()));
    int caught;
    try {
      caught = Integer.parseInt("not a number");
    } catch (NumberFormatException e) {
      caught = -1;
    }
    String text =
        """
        total=%d colours=%s evens=%s first=%s twice=%d sb=%s words=%s rec=%s caught=%d top=%s len=%d
        """;
    String line =
        "total="
            + total
            + " colours="
            + colours
            + " evens="
            + parity.get(true)
            + " first="
            + first.orElse("?")
            + " twice="
            + twice.apply(21)
            + " sb="
            + sb
            + " words="
            + words
            + " rec="
            + new Circle(5)
            + " caught="
            + caught
            + " top="
            + sorted.firstKey()
            + " len="
            + hm.get("apple")
            + " block="
            + text.lines().count();
    new KernLogClient(new Ipc(sys)).stringArea(0, 512).log(CapLoc.reg(20), line.getBytes(UTF_8));
  }
}
