package jackal.kernel.sched;

/**
 * Unwinds a confined program that asked for one allocation over the cap ({@code
 * PollClass.MAX_ALLOCATION_BYTES}), or that the heap guard took for keeping the live heap over its
 * threshold; its process takes the {@code AllocationLimit} fault. A program cannot name this class
 * (the verifier refuses the kernel's packages), and a handler that catches it as a {@link
 * Throwable} meets it again at its first preemption check.
 */
public final class AllocationLimitError extends Error {
  private static final long serialVersionUID = 1L;

  public AllocationLimitError() {
    this("allocation over the per-allocation cap");
  }

  public AllocationLimitError(String why) {
    super(why, null, false, false);
  }
}
