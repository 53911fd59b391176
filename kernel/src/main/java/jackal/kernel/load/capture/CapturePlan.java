package jackal.kernel.load.capture;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Where a transformed program can be captured: its classes (internal names), for each transformed
 * method ({@code owner.name+descriptor}, owner in internal form) the bytecode offsets of its
 * capturable call sites in the transformed class (a saved frame names its site by its index here),
 * and the other places a program frame may stand while its stack unwinds: each site of a method's
 * restore copy, and the method's own call of that copy (a frame there saves nothing; the copy saves
 * the frame under the method's name). A stack can be captured only if every program frame on it is
 * stopped at one of these.
 */
public record CapturePlan(
    Set<String> classes, Map<String, int[]> sites, Map<String, int[]> passages) {
  public CapturePlan {
    classes = Set.copyOf(classes);
    sites = Map.copyOf(sites);
    passages = Map.copyOf(passages);
  }

  /** A plan with no restore copies. */
  public CapturePlan(Set<String> classes, Map<String, int[]> sites) {
    this(classes, sites, Map.of());
  }

  static final CapturePlan EMPTY = new CapturePlan(Set.of(), Map.of());

  /**
   * Whether {@code bci} of {@code method} is a place a frame may stand during a capture: one of its
   * capturable call sites, or a site of a restore copy, or a method's call of its restore copy.
   */
  public boolean isSite(String method, int bci) {
    return contains(sites.get(method), bci) || contains(passages.get(method), bci);
  }

  private static boolean contains(int[] sorted, int bci) {
    return sorted != null && Arrays.binarySearch(sorted, bci) >= 0;
  }
}
