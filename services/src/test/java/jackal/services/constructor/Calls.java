package jackal.services.constructor;

import jackal.runtime.KernelException;

/** The exception code a call raised, for tests of refusals. */
final class Calls {
  private Calls() {}

  @FunctionalInterface
  interface Call {
    void run() throws KernelException;
  }

  /** The exception code {@code call} raised, or 0 if it succeeded. */
  static long code(Call call) {
    try {
      call.run();
      return 0;
    } catch (KernelException e) {
      return e.code();
    }
  }
}
