package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;

/** A chain of calls five frames deep, each frame with its own locals live across the call. */
public final class Chain {
  private Chain() {}

  public static long run(long seed) {
    long total = 0;
    for (int i = 0; i < 6; i++) {
      total = total * 31 + a(seed + i, i);
    }
    return total;
  }

  private static long a(long x, int depth) {
    int local = depth * 7;
    long r = b(x ^ local, local);
    return r + local;
  }

  private static long b(long x, int k) {
    String tag = "b" + k;
    long r = c(x, tag.length());
    return r * 3 + tag.hashCode();
  }

  private static long c(long x, int n) {
    long s = 0;
    for (int i = 0; i < n; i++) {
      s += d(x + i);
    }
    return s;
  }

  private static long d(long x) {
    long first = Sys.call(x);
    long second = Sys.call(first + x);
    return first * 65_537 + second;
  }
}
