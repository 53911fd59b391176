package jackal.runtime.confined;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

/**
 * Program code that computes forever without a system call, in the worst shapes for preemption; the
 * tests load it rewritten, in a loader of its own ({@code ConfinedPrograms}).
 */
@SuppressWarnings({"InfiniteRecursion", "EmptyCatch"})
public final class Spinners {
  private Spinners() {}

  public static void whileTrue(AtomicLong progress) {
    progress.set(1);
    while (true) {
      // a goto to itself
    }
  }

  public static long countedToMaxValue(AtomicLong progress) {
    progress.set(1);
    long s = 0;
    while (true) {
      for (int i = 0; i < Integer.MAX_VALUE; i++) {
        s += i;
      }
      progress.incrementAndGet();
    }
  }

  public static long recursion(AtomicLong progress) {
    progress.set(1);
    return fib(200);
  }

  private static long fib(int n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
  }

  public static void jdkStream(AtomicLong progress) {
    IntStream.generate(() -> 1).forEach(x -> progress.lazySet(x));
  }

  /** Arrays.fill on a 4 MiB array, again and again: the JDK call itself runs without checks. */
  public static void jdkFill(AtomicLong progress) {
    int[] a = new int[1 << 20];
    for (int r = 0; ; r++) {
      Arrays.fill(a, r);
      progress.lazySet(r);
    }
  }

  public static void swallowing(AtomicLong progress) {
    while (true) {
      try {
        while (true) {
          progress.incrementAndGet();
        }
      } catch (Throwable t) {
        progress.incrementAndGet();
      }
    }
  }
}
