package jackal.kernel.load.capture.refused;

import jackal.kernel.load.capture.Sys;

/** A system call from a constructor, through an ordinary method. */
public final class CallInConstructor {
  private final long value;

  private CallInConstructor(long seed) {
    value = fetch(seed);
  }

  private static long fetch(long seed) {
    return Sys.call(seed);
  }

  public static long run(long seed) {
    return new CallInConstructor(seed).value;
  }
}
