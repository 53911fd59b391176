package jackal.kernel.invoke;

/**
 * Unwinds a program whose process was destroyed while it waited in the kernel: the program may not
 * run another instruction. Carries no stack trace.
 */
@SuppressWarnings("StaticAssignmentOfThrowable") // preallocated: control flow, no trace
final class ProcessGone extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final ProcessGone INSTANCE = new ProcessGone();

  private ProcessGone() {
    super("process destroyed", null, false, false);
  }
}
