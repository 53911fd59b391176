package jackal.kernel.load.capture;

/**
 * The capture points of the sample programs, standing in for the kernel: {@link #call} is a system
 * call (a pure function of its argument, so that a run's result says whether every call saw the
 * right argument), {@link #check} a preemption check. Either captures the program at the call
 * numbered {@link #captureAt} (counting both), or at the first one after it where the stack can be
 * captured.
 */
public final class Sys {
  private Sys() {}

  static long calls;
  static long captureAt;
  static long capturedAt;
  static int deferred;

  /** The capture state of the program running. */
  static Capture state;

  /** Counts calls from zero and captures at call {@code at} (0: never). */
  static void reset(long at) {
    calls = 0;
    captureAt = at;
    capturedAt = 0;
    deferred = 0;
  }

  public static long call(long x) {
    point();
    long z = x * 0x9E3779B97F4A7C15L;
    return (z ^ (z >>> 29)) & 0xffff;
  }

  public static void check() {
    point();
  }

  private static void point() {
    calls++;
    if (captureAt != 0 && calls >= captureAt) {
      long at = captureAt;
      captureAt = 0;
      capturedAt = calls;
      if (!state.unwindHere()) {
        captureAt = at;
        capturedAt = 0;
        deferred++;
      }
    }
  }
}
