package jackal.kernel.load.programs;

import java.util.Arrays;
import java.util.function.IntSupplier;
import java.util.stream.IntStream;

/**
 * Program code for the rewriter's tests: loops and calls in the shapes javac produces, each a pure
 * function of its arguments, so a rewritten copy must give the same results as the plain one.
 */
@SuppressWarnings({"unused", "EmptyCatch", "finally", "ContinueOrBreakFromFinallyBlock"})
public final class Shapes {
  private Shapes() {}

  /** Counted, invariant bound: strip-mined. */
  public static long sum(int[] a) {
    long s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i];
    }
    return s;
  }

  /** Counted to an int local, from a start that is not zero. */
  public static long countedFrom(int from, int n) {
    long s = 0;
    for (int i = from; i < n; i++) {
      s += i ^ (s >>> 3);
    }
    return s;
  }

  /** A counted loop whose body leaves early. */
  public static int indexOf(int[] a, int x) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == x) {
        return i;
      }
    }
    return -1;
  }

  /** continue skips to the update: still one increment per iteration. */
  public static long evens(int[] a) {
    long s = 0;
    for (int i = 0; i < a.length; i++) {
      if ((a[i] & 1) != 0) {
        continue;
      }
      s += a[i];
    }
    return s;
  }

  /** The counter changes in the body: not strip-mined, checked on its back edge. */
  public static int skipping(int[] a) {
    int s = 0;
    for (int i = 0; i < a.length; i++) {
      if (a[i] < 0) {
        i++;
      }
      s += a[i % a.length];
    }
    return s;
  }

  /** The bound changes in the body. */
  public static int shrinking(int n) {
    int s = 0;
    for (int i = 0; i < n; i++) {
      s += i;
      if ((s & 7) == 0) {
        n--;
      }
    }
    return s;
  }

  /** Nested: the inner loop is strip-mined, the outer one checked. */
  public static long matrix(int[] a, int rows) {
    long s = 0;
    int cols = a.length / Math.max(1, rows);
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        s += (long) a[r * cols + c] * (r + 1);
      }
    }
    return s;
  }

  public static int whileLoop(int n) {
    int x = n;
    int steps = 0;
    while (x != 1 && x > 0 && steps < 10_000) {
      x = (x & 1) == 0 ? x / 2 : 3 * x + 1;
      steps++;
    }
    return steps;
  }

  public static int doWhile(int n) {
    int s = 0;
    int i = 0;
    do {
      s += i * n;
      i++;
    } while (i < (n & 63));
    return s;
  }

  public static int descending(int[] a) {
    int s = 0;
    for (int i = a.length - 1; i >= 0; i--) {
      s = s * 31 + a[i];
    }
    return s;
  }

  public static int labelled(int[] a) {
    int found = 0;
    outer:
    for (int i = 0; i < a.length; i++) {
      for (int j = i + 1; j < a.length; j++) {
        if (a[i] + a[j] == 0) {
          found++;
          continue outer;
        }
        if (found > 100) {
          break outer;
        }
      }
    }
    return found;
  }

  public static int switchInLoop(int[] a) {
    int s = 0;
    for (int v : a) {
      switch (v & 7) {
        case 0 -> s += 1;
        case 1 -> s -= 2;
        case 2, 3 -> s ^= v;
        case 6 -> s = s * 3;
        default -> s += v >> 2;
      }
    }
    return s;
  }

  /** Exceptions thrown and caught in a loop. */
  public static int catching(int[] a) {
    int s = 0;
    for (int i = 0; i < a.length; i++) {
      try {
        s += 1000 / a[i];
      } catch (ArithmeticException e) {
        s -= 1;
      } finally {
        s += 2;
      }
    }
    return s;
  }

  public static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  public static long viaLambda(int[] a) {
    return IntStream.of(a).filter(x -> (x & 3) != 0).mapToLong(x -> (long) x * x).sum();
  }

  public static int[] sorted(int[] a) {
    int[] c = a.clone();
    Arrays.sort(c);
    return c;
  }

  public static long longCounter(long n) {
    long s = 0;
    for (long i = 0; i < n; i++) {
      s += i & 5;
    }
    return s;
  }

  public static String text(int[] a) {
    StringBuilder b = new StringBuilder();
    for (int v : a) {
      b.append(v % 10);
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- worst shapes (never end)

  public static void spinForever() {
    while (true) {
      // nothing: a goto to itself
    }
  }

  public static long countToMax() {
    long s = 0;
    for (int i = 0; i < Integer.MAX_VALUE; i++) {
      s += i;
    }
    return s;
  }

  /** Runs {@link #countToMax} again and again (each run is 2^31 iterations). */
  public static long countToMaxForever() {
    long s = 0;
    while (true) {
      s += countToMax();
    }
  }

  public static long recurseForever(long n) {
    return fib(100) + n;
  }

  public static void swallowEverything() {
    while (true) {
      try {
        spinForever();
      } catch (Throwable t) {
        // keep going
      }
    }
  }

  public static int finallyForever() {
    int x = 0;
    while (true) {
      try {
        x += countedFrom(0, 1000) > 0 ? 1 : 0;
        spinForever();
      } finally {
        x++;
        continue;
      }
    }
  }

  public static void jdkCallsForever() {
    IntSupplier s = () -> 1;
    IntStream.generate(s).forEach(x -> {});
  }

  public static void fill(int[] a, int rounds) {
    for (int r = 0; r < rounds; r++) {
      Arrays.fill(a, r);
    }
  }
}
