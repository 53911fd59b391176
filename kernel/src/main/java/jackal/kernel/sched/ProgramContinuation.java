package jackal.kernel.sched;

import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The one place that touches {@code jdk.internal.vm}: a process's program runs inside a
 * continuation, which yields back to its CPU's dispatch loop whenever the process blocks.
 */
public final class ProgramContinuation {
  private static final ContinuationScope SCOPE = new ContinuationScope("jackal-process");

  private final Continuation continuation;

  /** Set while {@link #yieldUnlessPinned} runs: a pinned yield then just fails. */
  private boolean mayStayPinned;

  public ProgramContinuation(Runnable body) {
    this.continuation = new Inner(body);
  }

  /** The JDK's continuation, which knows the program continuation it is. */
  private final class Inner extends Continuation {
    Inner(Runnable body) {
      super(SCOPE, body);
    }

    ProgramContinuation owner() {
      return ProgramContinuation.this;
    }

    @Override
    protected void onPinned(Continuation.Pinned reason) {
      if (mayStayPinned) {
        return;
      }
      throw new IllegalStateException(
          "a process blocked while its program held a monitor or was inside native code ("
              + reason
              + "); programs must not call the kernel from inside synchronized blocks");
    }
  }

  /**
   * The program continuation the calling code runs in (the innermost, for a server run in place
   * inside its caller's), or null outside any. What a process's code binds to when it starts: its
   * process's {@code cont} field may already have been cleared by a destroy on another CPU, and is
   * only the continuation the process should run next.
   */
  public static ProgramContinuation current() {
    return Continuation.getCurrentContinuation(SCOPE) instanceof Inner inner ? inner.owner() : null;
  }

  /** Runs the program until it yields or ends. Must be called on a CPU thread. */
  public void run() {
    continuation.run();
  }

  public boolean isDone() {
    return continuation.isDone();
  }

  /**
   * Yields unless the continuation is pinned (a monitor held or a native frame on its stack, in JDK
   * code that called back into the program); false if it was pinned and did not yield. Called by
   * the process itself, on its own continuation, for preemption, which can wait.
   */
  public boolean yieldUnlessPinned() {
    mayStayPinned = true;
    try {
      return Continuation.yield(SCOPE);
    } finally {
      mayStayPinned = false;
    }
  }
}
