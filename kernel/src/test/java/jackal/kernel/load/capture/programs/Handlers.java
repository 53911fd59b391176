package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;

/**
 * Exception handlers around calls that capture: catch blocks, finally, catch (Throwable), and
 * exceptions the program throws and catches between calls.
 */
public final class Handlers {
  private Handlers() {}

  public static long run(long seed) {
    long acc = seed;
    int finallies = 0;
    int caught = 0;
    for (int i = 0; i < 8; i++) {
      try {
        acc += guarded(acc, i);
      } catch (ArithmeticException e) {
        caught++;
        acc = acc * 5 + Sys.call(i);
      } catch (Throwable t) {
        caught += 100;
      } finally {
        finallies++;
        acc ^= Sys.call(acc + finallies);
      }
    }
    return acc * 1_000 + caught * 10 + finallies;
  }

  private static long guarded(long acc, int i) {
    long v = Sys.call(acc);
    try {
      if (i % 3 == 0) {
        return v / (i % 3); // throws: i % 3 is 0
      }
      return v + Sys.call(v + i);
    } finally {
      Sys.check();
    }
  }
}
