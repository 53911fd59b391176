package jackal.kernel.load.capture.refused;

import jackal.kernel.load.capture.Sys;

/**
 * {@code new Holder(Sys.call(...))}: the new object is on the stack, uninitialized, at the call.
 */
public final class NewAcrossCall {
  private NewAcrossCall() {}

  static final class Holder {
    final long value;

    Holder(long value) {
      this.value = value;
    }
  }

  public static long run(long seed) {
    return new Holder(Sys.call(seed)).value;
  }
}
