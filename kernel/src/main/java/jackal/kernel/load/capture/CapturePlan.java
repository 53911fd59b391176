package jackal.kernel.load.capture;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Where a transformed program can be captured: its classes (internal names), and for each
 * transformed method ({@code owner.name+descriptor}, owner in internal form) the bytecode offsets
 * of its capturable call sites in the transformed class. A stack can be captured only if every
 * program frame on it is stopped at one of these.
 */
public record CapturePlan(Set<String> classes, Map<String, int[]> sites) {
  public CapturePlan {
    classes = Set.copyOf(classes);
    sites = Map.copyOf(sites);
  }

  static final CapturePlan EMPTY = new CapturePlan(Set.of(), Map.of());

  /** Whether {@code method} is transformed and {@code bci} is one of its capturable call sites. */
  public boolean isSite(String method, int bci) {
    int[] s = sites.get(method);
    return s != null && Arrays.binarySearch(s, bci) >= 0;
  }
}
