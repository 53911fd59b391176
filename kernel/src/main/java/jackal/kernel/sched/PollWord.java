package jackal.kernel.sched;

import java.lang.invoke.VarHandle;

/**
 * The kernel's handle on the word a confined process's preemption checks read (the static field of
 * its own {@code jackal.confined.Poll} class). Zero means "run on"; any bit makes the program's
 * next check call {@link #run}, the kernel's slow path.
 *
 * <p>The bits are set from other threads (the slice timer, a rescind on another CPU) and cleared by
 * the process itself in its slow path, always by atomic read-modify-write, so no mark is lost.
 * {@link #STOP} is never cleared: once a process is destroyed, every check it reaches unwinds it
 * again, so no handler, JDK frame or finally block can keep it running.
 */
public final class PollWord implements Runnable {
  /** The CPU's slice is over and others wait: yield to the back of the queue. */
  public static final int SLICE = 1;

  /** The process was destroyed: unwind the program (sticky). */
  public static final int STOP = 2;

  /** The process's state changed (a fault was set): look at it. */
  public static final int ATTENTION = 4;

  /**
   * The program asked for an allocation over the cap: every later check throws {@link
   * AllocationLimitError} again (sticky), so no handler of the program can keep it running.
   */
  public static final int LIMIT = 8;

  /**
   * The heap guard holds the process while it decides whom to fault: it waits off the CPU at its
   * next check until the guard clears this bit and wakes it.
   */
  public static final int HOLD = 16;

  private final VarHandle word;
  private volatile Runnable slowPath;

  /** Set (before {@link #LIMIT}) when the heap guard, not the program's own request, set LIMIT. */
  private volatile boolean heapGuard;

  public PollWord(VarHandle word, VarHandle kernel) {
    this.word = word;
    kernel.setVolatile(this);
  }

  /** Sets {@code bits}: the program calls the kernel at its next check. */
  public void raise(int bits) {
    word.getAndBitwiseOr(bits);
  }

  /** Clears {@code bits}; returns the word as it was. */
  public int clear(int bits) {
    return (int) word.getAndBitwiseAnd(~bits);
  }

  public int get() {
    return (int) word.getVolatile();
  }

  /** A fresh slice: forgets a SLICE mark left from the process's last time on a CPU. */
  void newSlice() {
    if ((get() & SLICE) != 0) {
      clear(SLICE);
    }
  }

  /** What a check runs when the word is not zero: the process's trap gate, once it has one. */
  public void attach(Runnable slowPath) {
    this.slowPath = slowPath;
  }

  /**
   * The program's over-cap path ({@code Poll.limit}): marks the process and unwinds the program.
   */
  public void overLimit() {
    raise(LIMIT);
    throw new AllocationLimitError();
  }

  /**
   * The heap guard's mark: the process allocated most while the live heap passed the guard's
   * threshold. Sticky like an over-cap request.
   */
  public void overHeap() {
    heapGuard = true;
    raise(LIMIT);
  }

  /** What unwinds a process marked {@link #LIMIT}, saying which limit it met. */
  public AllocationLimitError limitError() {
    return heapGuard
        ? new AllocationLimitError(
            "the live heap passed the heap guard's threshold and this program allocated the most")
        : new AllocationLimitError();
  }

  @Override
  public void run() {
    int w = get();
    if ((w & LIMIT) != 0 && (w & STOP) == 0) {
      throw limitError();
    }
    Runnable s = slowPath;
    if (s != null) {
      s.run();
    } else {
      // Not running under a gate (no program code should get here): nothing to yield to.
      clear(SLICE | ATTENTION);
    }
  }
}
