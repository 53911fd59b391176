package jackal.kernel.sched;

/**
 * Thrown before a transaction's commit point to abandon it: the system call is re-run from the
 * start after its locks are released. Carries no stack trace; it is control flow, not an error.
 */
@SuppressWarnings("StaticAssignmentOfThrowable") // preallocated: control flow, no trace
public final class Restart extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Another CPU holds a lock this call needs. */
  public static final Restart CONTENDED = new Restart("lock contended");

  private Restart(String why) {
    super(why, null, false, false);
  }
}
