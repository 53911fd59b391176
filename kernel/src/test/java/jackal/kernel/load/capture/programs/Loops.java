package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;

/** Nested loops whose counters and accumulators live only in locals. */
public final class Loops {
  private Loops() {}

  public static long run(long seed) {
    long acc = seed;
    int odd = 0;
    for (int i = 0; i < 5; i++) {
      for (int j = i; j < 7; j++) {
        long v = Sys.call(acc + i * 100 + j);
        if ((v & 1) != 0) {
          odd++;
        }
        acc = acc * 17 + v;
      }
      int k = 0;
      while (k < i) {
        Sys.check();
        acc ^= (long) k << i;
        k++;
      }
    }
    return acc * 1_000 + odd;
  }
}
