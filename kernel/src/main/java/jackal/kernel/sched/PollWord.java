package jackal.kernel.sched;

import jackal.kernel.obj.Process;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The kernel's word for one confined process: zero means "run on"; any bit makes the program's next
 * preemption check call {@link #run}, the kernel's slow path.
 *
 * <p>A loaded program's checks all read one JVM-wide word (the static field of the one shared
 * {@code jackal.confined.Poll} class), so that classes holding no state can be shared by every
 * process of an image. The process's own bits are kept here; the CPU the process runs on mirrors
 * them into the shared word ({@link PollFlag}): the shared word is non-zero exactly while some CPU
 * runs a process with a bit set, and a check that finds it non-zero asks its own CPU which process
 * runs there ({@link #checkHere}). Trusted tooling that defines a poll class of its own (the
 * rewriter's unit tests) gets a word bound straight to that class's field instead ({@link
 * #PollWord(VarHandle, VarHandle)}).
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

  /** A private poll class's word (trusted tooling), or null: the bits are {@link #bits}. */
  private final VarHandle word;

  /** The process's bits when its checks read the shared word. */
  @SuppressWarnings("unused") // through BITS
  private volatile int bits;

  /**
   * The flag of the CPU this word was last mounted on (shared-word mode only). Written by a
   * mounting CPU with a release store followed by a full fence ({@link PollFlag#enter}), read by
   * raisers.
   */
  volatile PollFlag on;

  private static final VarHandle BITS;
  private static final VarHandle ON;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      BITS = l.findVarHandle(PollWord.class, "bits", int.class);
      ON = l.findVarHandle(PollWord.class, "on", PollFlag.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile Runnable slowPath;

  /** See {@link #initDepth()}; read and written only by the process's own program's thread. */
  private int initDepth;

  /** Set (before {@link #LIMIT}) when the heap guard, not the program's own request, set LIMIT. */
  private volatile boolean heapGuard;

  /**
   * A word bound to a poll class of the caller's own (trusted tooling): {@code word} is that
   * class's static word, and its {@code kernel} field is set to this word's slow path.
   */
  public PollWord(VarHandle word, VarHandle kernel) {
    this.word = word;
    kernel.setVolatile(this);
  }

  /**
   * A word for a process whose checks read the shared word (see {@link
   * PollFlag#installSharedWord}). It is mounted on the current CPU at once if {@code p} runs there
   * (a program binds its word while it loads, in the middle of a dispatch).
   */
  public PollWord(Process p) {
    this.word = null;
    Cpu here = Cpu.here();
    if (here != null && here.current() == p) {
      here.pollFlag.enter(this);
    }
  }

  /**
   * Installs the shared poll class's static word, which {@link PollFlag} keeps as the count of CPUs
   * running a marked process. Called once, by the loader that defines that class.
   */
  public static void installSharedWord(VarHandle sharedWord) {
    PollFlag.installSharedWord(sharedWord);
  }

  /**
   * Records that this word is mounted on {@code f} now: a release store, which the caller follows
   * with a full fence before it reads the bits ({@link PollFlag#enter}). Skipped when unchanged (a
   * process that stays on one CPU).
   */
  void mountOn(PollFlag f) {
    if ((PollFlag) ON.getAcquire(this) != f) {
      ON.setRelease(this, f);
    }
  }

  /** Whether this word's checks read the shared word (and its CPU mirrors it there). */
  boolean shared() {
    return word == null;
  }

  /** Sets {@code bits}: the program calls the kernel at its next check. */
  public void raise(int bits) {
    if (word != null) {
      word.getAndBitwiseOr(bits);
      return;
    }
    BITS.getAndBitwiseOr(this, bits);
    // After the bits, read where it runs; the CPU mounting it writes `on` before it reads the bits:
    // one of the two sees the other, so a raise is never lost (see PollFlag).
    PollFlag f = on;
    if (f != null) {
      f.sync();
    }
  }

  /** Clears {@code bits}; returns the word as it was. */
  public int clear(int bits) {
    if (word != null) {
      return (int) word.getAndBitwiseAnd(~bits);
    }
    int old = (int) BITS.getAndBitwiseAnd(this, ~bits);
    PollFlag f = on;
    if (f != null && (old & bits) != 0) {
      f.sync();
    }
    return old;
  }

  public int get() {
    return word != null ? (int) word.getVolatile() : (int) BITS.getVolatile(this);
  }

  /**
   * What the shared poll class's checks call when the shared word is not zero: the slow path of the
   * process running on the calling thread's CPU if its own word is set; otherwise (another CPU's
   * process is the one marked, or a stale mark) nothing but a fresh look at this CPU's flag.
   */
  public static void checkHere() {
    Cpu here = Cpu.here();
    if (here == null) {
      return; // not a CPU's thread: no process's program runs here
    }
    PollWord w = here.pollFlag.mounted();
    if (w == null || w.get() == 0) {
      here.pollFlag.sync();
      return;
    }
    w.run();
  }

  /**
   * What the shared poll class's allocation check calls for a request over the cap: the over-cap
   * path of the process running here (the request fails however it is reached).
   */
  public static void overLimitHere() {
    Cpu here = Cpu.here();
    PollWord w = here == null ? null : here.pollFlag.mounted();
    if (w != null) {
      w.overLimit();
    }
    throw new AllocationLimitError();
  }

  /**
   * What the shared poll class's class-initializer entry calls: counts one more initializer on the
   * stack of the process running here ({@link #initDepth()}).
   */
  public static void enterInitHere() {
    Cpu here = Cpu.here();
    PollWord w = here == null ? null : here.pollFlag.mounted();
    if (w != null) {
      w.enterInit();
    }
  }

  /** What a class initializer's return calls: one initializer fewer ({@link #enterInitHere}). */
  public static void exitInitHere() {
    Cpu here = Cpu.here();
    PollWord w = here == null ? null : here.pollFlag.mounted();
    if (w != null) {
      w.exitInit();
    }
  }

  /** One more class initializer on this process's stack. Only the process's own thread. */
  public void enterInit() {
    initDepth++;
  }

  /** One class initializer fewer; never below 0. Only the process's own thread. */
  public void exitInit() {
    if (initDepth > 0) {
      initDepth--;
    }
  }

  /**
   * Class initializers of the process's program running now, as counted by the calls the loader
   * puts at their entries and returns ({@code PollClass.ENTER_INIT}); one that threw leaves it
   * raised for good. A call made while it is not 0 is never run in place.
   */
  public int initDepth() {
    return initDepth;
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
