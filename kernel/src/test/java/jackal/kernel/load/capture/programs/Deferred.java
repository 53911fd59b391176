package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;
import java.util.List;

/**
 * Preemption checks where no frame can be captured: in a constructor, and in a lambda that a JDK
 * method ({@code List.forEach}) runs. A capture asked for there waits for the next check outside.
 */
public final class Deferred {
  private Deferred() {}

  static final class Slow {
    final long value;

    Slow(long v) {
      long x = v;
      for (int i = 0; i < 3; i++) {
        Sys.check();
        x = x * 3 + i;
      }
      value = x;
    }
  }

  public static long run(long seed) {
    long[] acc = {seed};
    List.of(1, 2, 3)
        .forEach(
            i -> {
              Sys.check();
              acc[0] += i;
            });
    long v = new Slow(acc[0]).value;
    return v + Sys.call(v);
  }
}
