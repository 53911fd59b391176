package jackal.kernel.load.capture.refused;

import jackal.kernel.load.capture.Sys;

/**
 * System calls from the static initializers a resume runs again: an enum's and an interface's
 * (their statics are made by their initializers, not restored as data), which would make the calls
 * twice.
 */
public final class CallInReinitialized {
  private CallInReinitialized() {}

  enum Mode {
    FAST,
    SLOW;

    static final long SEED = Sys.call(3);
  }

  interface Limits {
    long MAX = Sys.call(4);
  }

  public static long run(long seed) {
    return seed + Mode.SEED + Limits.MAX + Mode.values().length;
  }
}
