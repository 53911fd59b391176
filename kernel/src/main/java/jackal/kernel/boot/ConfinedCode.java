package jackal.kernel.boot;

import jackal.kernel.load.PollClass;
import jackal.kernel.load.ProgramRewriter;

/**
 * What the kernel's program loader does to code, for trusted tooling that loads code itself (the
 * kernel's tests and benchmarks): rewrite a class with its preemption checks, and the poll class
 * those checks read, to be defined in the same class loader and bound to the process with {@link
 * Kernel#bindPreemption}. Pure functions: they grant nothing.
 */
public final class ConfinedCode {
  private ConfinedCode() {}

  /** The binary name of the per-process poll class. */
  public static final String POLL_CLASS = PollClass.NAME;

  /** The poll class's class file. */
  public static byte[] pollClass() {
    return PollClass.bytes();
  }

  /** {@code classBytes} with preemption checks (see {@code ProgramRewriter}). */
  public static byte[] rewrite(byte[] classBytes) {
    return ProgramRewriter.rewrite(classBytes);
  }
}
