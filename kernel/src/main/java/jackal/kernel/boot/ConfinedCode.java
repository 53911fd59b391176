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

  /**
   * The poll class's class file, for a loader that wants a poll class of its own (its word is then
   * the bound process's alone, and no CPU mirrors anything into it).
   */
  public static byte[] pollClass() {
    return PollClass.bytes();
  }

  /**
   * The one poll class the kernel's loader gives every program (its word is the JVM-wide count of
   * CPUs running a marked process): a loader that resolves {@link #POLL_CLASS} to this class runs
   * the checks exactly as loaded programs do. Bind it with {@link Kernel#bindPreemption}.
   */
  public static Class<?> sharedPollClass() {
    return PollClass.shared();
  }

  /** {@code classBytes} with preemption checks (see {@code ProgramRewriter}). */
  public static byte[] rewrite(byte[] classBytes) {
    return ProgramRewriter.rewrite(classBytes);
  }
}
