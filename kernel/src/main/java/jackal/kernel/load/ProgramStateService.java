package jackal.kernel.load;

import jackal.kernel.api.SystemCalls;
import jackal.kernel.load.capture.BadProgramState;
import jackal.kernel.load.capture.Frame;
import jackal.kernel.load.capture.ProgramStates;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.PollWord;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The kernel's {@link ProgramStates}: a request marks the process ({@link Process#captureRequest})
 * and raises its poll word; the process's gate calls {@link #atCapturePoint} at each system call's
 * entry and each preemption check that reaches the kernel; the unwind ends in the machine's program
 * loop, which calls {@link #captured}.
 */
public final class ProgramStateService implements ProgramStates {
  /** Capture points a request may pass without a capturable stack before it is answered Retry. */
  public static final int MAX_ATTEMPTS = 100_000;

  private final boolean enabled;

  /**
   * {@link Process#captureRequest}, changed only atomically: the asking thread (a cut) and the
   * process's own thread (at its capture points) both replace or clear it, and a plain read then
   * write by one could drop the request the other just put there, leaving it unanswered.
   */
  private static final VarHandle REQUEST;

  static {
    try {
      REQUEST =
          MethodHandles.lookup().findVarHandle(Process.class, "captureRequest", Request.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * {@code enabled}: whether the machine's loader makes programs capturable (KernelConfig.capture);
   * without it there is no program state to take or give back, and both are refused.
   */
  public ProgramStateService(boolean enabled) {
    this.enabled = enabled;
  }

  private void requireEnabled() {
    if (!enabled) {
      throw new IllegalStateException(
          "this kernel does not make programs capturable (KernelConfig.capture is off): it has no"
              + " program state to take or restore");
    }
  }

  /** A pending request: answered once. */
  public static final class Request {
    final Consumer<Outcome> done;
    long skip;
    int attempts;
    private final AtomicBoolean answered = new AtomicBoolean();

    Request(Consumer<Outcome> done, long skip) {
      this.done = done;
      this.skip = skip;
    }

    /** Whether this request has been answered (or its answer is being given). */
    public boolean isAnswered() {
      return answered.get();
    }

    void answer(Outcome o) {
      if (answered.compareAndSet(false, true)) {
        done.accept(o);
      }
    }
  }

  @Override
  public void request(Process p, Consumer<Outcome> done) {
    request(p, 0, done);
  }

  /**
   * As {@link #request(Process, Consumer)}, capturing at the capturable capture point after the
   * next {@code skip} ones (tests choose a point this way).
   */
  public void request(Process p, long skip, Consumer<Outcome> done) {
    ask(p, skip, done);
  }

  /**
   * As {@link #request(Process, long, Consumer)}; returns the pending request, for {@link
   * #withdraw}, or null if it was answered at once.
   */
  public Request ask(Process p, long skip, Consumer<Outcome> done) {
    requireEnabled();
    if (p.program != null) {
      done.accept(new Outcome.Retry(p, "it runs trusted kernel-test code, not a loaded program"));
      return null;
    }
    Request r = new Request(done, skip);
    Request old = (Request) REQUEST.getAndSet(p, r);
    if (old != null) {
      old.answer(new Outcome.Retry(p, "a newer request replaced this one"));
    }
    PollWord w = p.poll;
    if (w != null) {
      w.raise(PollWord.ATTENTION);
    }
    return r;
  }

  /**
   * Withdraws request {@code r} of {@code p} if it is still pending: the process stops looking for
   * a capture point, and {@code r} is answered Retry (unless its answer is on its way already).
   */
  public void withdraw(Process p, Request r) {
    REQUEST.compareAndSet(p, r, null); // a newer request stays
    r.answer(new Outcome.Retry(p, "withdrawn: the cut that asked is over"));
  }

  @Override
  public void restore(Process p, byte[] state) throws BadProgramState {
    requireEnabled();
    if (p.program != null) {
      throw new BadProgramState("process " + p + " runs trusted kernel-test code");
    }
    ProgramStateCodec.checkFrame(state);
    p.restoreFrom = state.clone();
  }

  /**
   * Called by {@code p}'s gate, on its own thread, at a capture point (nothing of a call done yet,
   * nothing held): unwinds the program if a capture is asked for and its stack allows; otherwise
   * returns, and the next point tries again.
   */
  public void atCapturePoint(Process p) {
    Request r = p.captureRequest;
    LoadedProgram lp = p.loaded;
    if (r == null || lp == null) {
      return;
    }
    if (r.skip > 0) {
      r.skip--;
    } else {
      lp.capture().unwindHere(); // throws when it captures
      if (++r.attempts >= MAX_ATTEMPTS) {
        if (!REQUEST.compareAndSet(p, r, null)) {
          return; // replaced meanwhile: the newer request is pending, and the old one answered
        }
        r.answer(
            new Outcome.Retry(
                p,
                "its stack was not capturable at the last "
                    + MAX_ATTEMPTS
                    + " capture points (a constructor, static initializer or JDK frame between"
                    + " program frames)"));
        return;
      }
    }
    PollWord w = p.poll;
    if (w != null) {
      w.raise(PollWord.ATTENTION); // so the next preemption check comes here too
    }
  }

  /**
   * The program of {@code p} unwound for a capture and its frames were saved: encodes its state,
   * answers the request, and returns the program to run next, re-entered from the frames in memory.
   */
  public ProgramEntryAndState captured(Process p, SystemCalls gate) {
    LoadedProgram lp = p.loaded;
    List<Frame> frames = lp.capture().takeFrames();
    // Whichever request is pending now gets this state: one that replaced the request this unwind
    // began for was asked after it, and the replaced one was answered Retry by the ask.
    Request r = (Request) REQUEST.getAndSet(p, null);
    Outcome o;
    try {
      o = new Outcome.Captured(p, lp.encode(frames, gate));
    } catch (ProgramStateCodec.NotCapturableNow e) {
      o = new Outcome.Retry(p, e.getMessage());
    }
    if (r != null) {
      r.answer(o);
    }
    return new ProgramEntryAndState(lp.resumeFrom(frames), o);
  }

  /** What {@link #captured} gives back. */
  public record ProgramEntryAndState(jackal.kernel.api.ProgramEntry next, Outcome outcome) {}
}
