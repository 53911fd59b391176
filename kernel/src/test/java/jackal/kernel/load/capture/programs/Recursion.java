package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;

/** Recursion: the same method many times on the stack, each with its own locals. */
public final class Recursion {
  private Recursion() {}

  public static long run(long seed) {
    return fib((int) (seed & 3) + 7, seed) + ackermannish(2, 3);
  }

  private static long fib(int n, long salt) {
    if (n < 2) {
      return Sys.call(salt + n);
    }
    long left = fib(n - 1, salt * 3);
    long right = fib(n - 2, salt + left);
    return left + right + n;
  }

  private static long ackermannish(int m, int n) {
    Sys.check();
    if (m == 0) {
      return n + 1;
    }
    if (n == 0) {
      return ackermannish(m - 1, 1);
    }
    return ackermannish(m - 1, (int) (ackermannish(m, n - 1) & 15));
  }
}
