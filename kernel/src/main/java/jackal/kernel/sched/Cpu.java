package jackal.kernel.sched;

import static jackal.kernel.trace.KernelEvents.dispatchBegin;

import jackal.kernel.api.ParameterBlock;
import jackal.kernel.obj.Process;
import jackal.kernel.trace.DispatchEvent;
import jackal.kernel.trace.KernelEvents;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One simulated CPU: a platform thread running a dispatch loop over its own ready queue. It runs
 * each process's continuation until the process yields, then releases whatever locks the yielding
 * transaction left behind and picks the next process: first the one a sender donated its slice to,
 * then the head of its own queue, then work stolen from a CPU of the same node.
 */
public final class Cpu extends CpuTailPad {
  public final Transaction txn = new Transaction(this);

  /** This CPU's part of the shared poll word (see {@link PollFlag}). */
  final PollFlag pollFlag = new PollFlag();

  /** The CPU whose thread is the calling thread (set once, as the thread starts its loop). */
  private static final ThreadLocal<Cpu> HERE = new ThreadLocal<>();

  private final Scheduler scheduler;
  private final Thread thread;

  /** The process a sender donated its slice to: the front of the queue, owned by this thread. */
  private Process donated;

  /** The process running now (only meaningful on this CPU's thread). */
  private Process current;

  /** See {@link #host()}. */
  private Process host;

  /** See {@link #inPlaceRuns()}; written only by this CPU's thread. */
  private long inPlaceRuns;

  /**
   * Runs in place asked for while others waited in the queue, since the slice's clock was last read
   * for one ({@link #runDonatedInPlace}). This CPU's thread only.
   */
  private int inPlaceWhileWaiting;

  /**
   * How often a run in place with others waiting reads the clock to end the slice: a power of 2.
   */
  static final int CLOCK_EVERY = 16;

  /** See {@link #meterReadings()}; written only by this CPU's thread. */
  private long meterReadings;

  /** See {@link #inPlaceRefusedForStack()}; written only by this CPU's thread. */
  private long inPlaceRefusedForStack;

  /**
   * The lowest stack pointer, read in a caller's trap, from which that caller may run its server in
   * place ({@link #runDonatedInPlace}): the server then still has {@link #stackGuarantee()} bytes.
   * Long.MAX_VALUE (never) until this CPU's loop has measured its stack, and for good where the
   * stack pointer cannot be read ({@link StackPointer#AVAILABLE}). Only this CPU's thread.
   */
  private long inPlaceFloor = Long.MAX_VALUE;

  /** See {@link #stackGuarantee()}. */
  private long stackGuarantee;

  /**
   * The marker of an idle CPU's empty inbox ({@link CpuInbox#slot}, which with its neighbour {@link
   * CpuInbox#parked} is the only line an idle CPU reads while it spins, and the only one of its
   * lines a CPU that wakes a process onto it writes: docs/DESIGN-NOTES.md, "A cross-CPU wake moves
   * one line"), and of a parked CPU.
   */
  static final Object WAITING = new Object();

  /**
   * Spins between two full looks for work (the queues, its own and its peers' for something to
   * steal, a stop or a cut) and two readings of the clock, as long as nothing lands in the inbox: a
   * spin is one {@link Thread#onSpinWait} and one load of the inbox, some tens of nanoseconds, so
   * work that does not come through the inbox is found within a few microseconds.
   */
  static final int CHECK_EVERY = 64;

  /** When the current slice began: donation passes the slice on without restarting it. */
  private long sliceStart;

  /**
   * Set by another CPU that woke a process onto this CPU's queue for a caller that waits for it
   * ({@link #wakeForWaitingCaller}): at its next switch this CPU runs the woken process before the
   * process its last one donated its slice to (wake-up preemption; docs/DESIGN-NOTES.md).
   */
  private volatile boolean wakePreempt;

  // What the slice timer reads from its own thread: the process on this CPU (null between
  // dispatches) and when its slice began. Written with release stores, which cost no fence.
  @SuppressWarnings("unused") // through RUNNING
  private volatile Process running;

  @SuppressWarnings("unused") // through SLICE_BEGAN
  private volatile long sliceBegan;

  private static final VarHandle RUNNING;
  private static final VarHandle SLICE_BEGAN;
  private static final VarHandle IDLE;
  private static final VarHandle SLOT;
  private static final VarHandle PARKED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      RUNNING = l.findVarHandle(Cpu.class, "running", Process.class);
      SLICE_BEGAN = l.findVarHandle(Cpu.class, "sliceBegan", long.class);
      IDLE = l.findVarHandle(CpuInbox.class, "idle", boolean.class);
      SLOT = l.findVarHandle(CpuInbox.class, "slot", Object.class);
      PARKED = l.findVarHandle(CpuInbox.class, "parked", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Statistics, each written only by this CPU's thread. */
  private long dispatches;

  /** Processes taken from the inbox (see {@link #offer}). */
  private long handoffs;

  /** The inbox still holds the process this CPU took from it at its last switch (this thread). */
  private boolean inboxTaken;

  private long parks;
  private long steals;
  private long shipsSent;
  private long shipsRun;
  private long shipsStayed;
  private long wakePreemptions;

  /** Time spent in the idle loop (spinning or parked) and the part of it parked, in ns. */
  private long idleNanos;

  /**
   * When the idle loop that a handover ended began, until the next slice's clock reading adds that
   * stretch to {@link #idleNanos}; 0 otherwise. This thread only.
   */
  private long idleSince;

  private long parkedNanos;

  /** Failures survived by the dispatch loop (see {@link #survive}). */
  private long errors;

  /**
   * Per other CPU: that CPU's {@link ReadyQueue#adds} when this CPU last tried to steal from it and
   * found nothing it may run (processes pinned elsewhere). Until the count moves there is nothing
   * there for this CPU, so its idle loop parks instead of retrying. Only this CPU's thread.
   */
  final long[] stealMisses = new long[64];

  /** Steals that took a peer's queue lock and found nothing this CPU may run (this thread only). */
  long missedSteals;

  /** Transactions abandoned for lock contention on this CPU (written by this CPU's thread). */
  public long restarts;

  /**
   * This thread's allocation counter when it was last read, and whether that reading still marks
   * where the next confined dispatch starts (a trusted dispatch since then has not been read, so
   * its allocation must not be charged to the next confined process).
   */
  private long allocMark;

  private boolean allocMarked;

  /**
   * True while this CPU runs confined processes without reading the allocation meter at their
   * switches (calls run in place while the heap guard has metering in place off): see {@link
   * Scheduler#meterInPlace(boolean)}. Written by this CPU's thread only when it changes.
   */
  private volatile boolean unmetered;

  /**
   * A CPU whose ready queue is {@code queue}, made just before it, so that the queue, which other
   * CPUs read, sits before the CPU's leading padding rather than after its last line, which its
   * thread writes at every dispatch.
   */
  Cpu(Scheduler scheduler, int id, int node, ReadyQueue queue) {
    super(id, node, queue);
    this.scheduler = scheduler;
    this.thread = Thread.ofPlatform().name("jackal-cpu-" + id).daemon(true).unstarted(this::loop);
    // Allocated last, so that the next CPU's objects (allocated next, and kept next to these by a
    // compacting collection) do not share a cache line with the ones this CPU writes on every
    // dispatch (its own fields, its transaction, its thread's continuation field).
    this.spacer = new long[SPACER_LONGS];
  }

  /** Two cache lines of 64 bytes, plus an array header: see the constructor. */
  public static final int SPACER_LONGS = 16;

  @SuppressWarnings("unused") // only its place in the heap matters
  private final long[] spacer;

  /** The node of close CPUs this CPU belongs to. */
  public int node() {
    return node;
  }

  void start() {
    thread.start();
  }

  /** This CPU's own platform thread: the only thread a process's program runs on while here. */
  public Thread thread() {
    return thread;
  }

  public Process current() {
    return current;
  }

  /**
   * The CPU whose thread runs the caller, or null on any other thread.
   *
   * <p>The thread-local is read in a frame of its own, reached through a method handle C2 cannot
   * inline ({@link #hereHandle}). Inlined, the read would start from {@link Thread#currentThread},
   * which C2 treats as unchanging within a compiled frame: a program's loop that inlines a poll
   * check ({@link PollWord#checkHere}) can hoist it out of the loop, and after the program's
   * continuation has waited and resumed on another CPU's thread, the check would ask the CPU it ran
   * on before which process runs there, and run that process's slow path (its gate) in this program
   * (docs/DESIGN-NOTES.md, "Processes as continuations, and thread identity").
   */
  static Cpu here() {
    try {
      return (Cpu) hereHandle.invokeExact();
    } catch (RuntimeException | Error e) {
      throw e; // a StackOverflowError in a program's deep check is the program's, as it was
    } catch (Throwable t) {
      throw new IllegalStateException("cannot read the current CPU", t);
    }
  }

  /** {@link #hereNow}, through a non-final field: C2 inlines no call through it (see here()). */
  @SuppressWarnings("NonFinalStaticField")
  private static MethodHandle hereHandle = hereNowHandle();

  private static MethodHandle hereNowHandle() {
    try {
      return MethodHandles.lookup()
          .findStatic(Cpu.class, "hereNow", MethodType.methodType(Cpu.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static Cpu hereNow() {
    return HERE.get();
  }

  /** Whether the calling thread is a CPU's, read as {@link #here} reads it. */
  public static boolean onCpuThread() {
    return here() != null;
  }

  /**
   * The process the calling thread's CPU runs now (the donee of a run in place, not its host), or
   * null on any other thread or between dispatches; read as {@link #here} reads the CPU.
   */
  public static Process runningHere() {
    Cpu c = here();
    return c == null ? null : c.current;
  }

  public long dispatches() {
    return dispatches;
  }

  public long parks() {
    return parks;
  }

  public long steals() {
    return steals;
  }

  /** Processes another CPU handed this one through its inbox while it was idle. */
  public long handoffs() {
    return handoffs;
  }

  /** Steal attempts that locked a peer's queue and found only processes pinned elsewhere. */
  public long missedSteals() {
    return missedSteals;
  }

  /** Nanoseconds this CPU has spent in its idle loop, spinning or parked. */
  public long idleNanos() {
    return idleNanos;
  }

  /** Nanoseconds of {@link #idleNanos} this CPU spent parked. */
  public long parkedNanos() {
    return parkedNanos;
  }

  /** Switches at which a process woken for a waiting caller ran before this CPU's donee. */
  public long wakePreemptions() {
    return wakePreemptions;
  }

  /**
   * Another CPU woke a process onto this CPU's queue (at the front) for a caller that waits for its
   * answer: this CPU switches to it at its next switch instead of at the end of the slice of
   * whatever it runs, and is unparked if it sleeps.
   */
  void wakeForWaitingCaller() {
    wakePreempt = true;
    kick();
  }

  public long errors() {
    return errors;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Puts {@code p} at the very front: it runs as soon as the current process yields. Called only on
   * this CPU's thread.
   */
  void donate(Process p) {
    Process old = donated;
    donated = p;
    if (old != null) {
      queue.addFirst(old);
      scheduler.offerToIdlePeer(this, old);
    }
  }

  /**
   * The dispatch loop. Nothing a program does may end it: whatever escapes a dispatch (an error the
   * continuation let through, an OutOfMemoryError, a StackOverflowError in the kernel's own code)
   * is survived by {@link #survive}, which releases the locks before it allocates anything.
   */
  private void loop() {
    HERE.set(this);
    measureStack();
    while (!scheduler.stopping) {
      try {
        if (scheduler.cutting) {
          scheduler.holdAtCut(); // a checkpoint's cut: no transaction open, no program running
          continue;
        }
        Process p = nextProcess();
        if (p == null) {
          idle();
          continue;
        }
        dispatch(p);
      } catch (Throwable t) {
        survive(t);
      }
    }
    pollFlag.leave(); // a stopped CPU must not keep the shared word up for the rest of the JVM
  }

  /**
   * Stack the frames between a caller's stack-pointer reading in its trap and the entry of the
   * server's continuation run in place can take ({@link #runDonatedInPlace}, {@link #dispatch}, the
   * continuation's run and entry frames), with a wide margin for a handful of kernel frames (their
   * size was not measured).
   */
  static final long IN_PLACE_OVERHEAD = 32 * 1024;

  /**
   * Measures, once, what this CPU's thread leaves a process dispatched from this loop (from here
   * down to the lowest address Java code may reach), and from it the in-place floor: a server run
   * in place must get at least three quarters of that ("Stack" in docs/DESIGN-NOTES.md, "The
   * same-CPU call runs its server in place").
   */
  private void measureStack() {
    if (!StackPointer.AVAILABLE) {
      return;
    }
    long limit = StackPointer.javaLimit();
    long here = StackPointer.get();
    if (limit == 0 || here <= limit) {
      return;
    }
    long ordinary = here - limit;
    stackGuarantee = ordinary / 4 * 3;
    inPlaceFloor = limit + stackGuarantee + IN_PLACE_OVERHEAD;
  }

  /**
   * The stack every process is guaranteed at any dispatch on this CPU, in bytes: three quarters of
   * what a dispatch from the loop leaves (0 where the stack pointer cannot be read: then no call is
   * run in place, and a dispatch from the loop leaves what it always did).
   */
  public long stackGuarantee() {
    return stackGuarantee;
  }

  /**
   * What escaped a dispatch: first the allocation-free part (locks released, the process off the
   * CPU and never run again), then a report, which may itself fail when memory is short.
   */
  private void survive(Throwable t) {
    Process p = current;
    current = null;
    RUNNING.setRelease(this, null); // the slice timer must not mark a process that is gone
    pollFlag.leave();
    if (p != null) {
      p.exited = true;
      p.sched = Process.IDLE;
    }
    txn.releaseAll();
    allocMarked = false;
    errors++;
    try {
      scheduler.reportKernelError(p, t);
    } catch (Throwable ignored) {
      // Nothing more can be done: the CPU goes on with its next process.
    }
  }

  /**
   * The next process: the one the last process donated its slice to, unless that slice has run out
   * and others are waiting, in which case it goes to the back of the queue (what a timer interrupt
   * does in Coyotos; here the check happens at the switch, the only preemption point). Without
   * this, two processes calling each other would keep the CPU forever.
   */
  private Process nextProcess() {
    if (inboxTaken) {
      // The process taken from the inbox at the last switch stayed there while it ran (no other
      // CPU writes over a process): cleared only now, off the path of the call that woke it, since
      // the store waits for the waker's copy of the line to be invalidated.
      inboxTaken = false;
      SLOT.setOpaque(this, null);
    } else if (SLOT.getAcquire(this) instanceof Process offered) {
      // Handed over while this CPU was idle: nothing else can be queued ahead of it (the queue was
      // empty, or the idle loop would have left for it), and no donation is pending.
      long[] words = handedWords;
      if (words != null) {
        // A shipped call: its process's lines and its words' lines are fetched together, before
        // the first read of the process below (the slice's) would wait for its line alone.
        touchWords(offered, words);
      }
      inboxTaken = true;
      handoffs++;
      startOrResumeSlice(offered);
      return offered;
    }
    Process p = donated;
    if (p != null) {
      donated = null;
      if (queue.isEmpty()) {
        return p;
      }
      if (wakePreempt) {
        // A process woken for a caller waiting on another CPU is at the front of the queue: it
        // runs now, and the donee goes back to the front to run next, in the slice it had.
        wakePreempt = false;
        Process woken = queue.pollFirst();
        if (woken != null) {
          p.resumeSliceStart = sliceStart;
          queue.addFirst(p);
          wakePreemptions++;
          startOrResumeSlice(woken);
          return woken;
        }
        return p;
      }
      if (System.nanoTime() - sliceStart < scheduler.sliceNanos) {
        return p;
      }
      queue.addLast(p);
      scheduler.offerToIdlePeer(this, p);
    }
    if (wakePreempt) {
      wakePreempt = false; // no donee to preempt: the woken process is found in the queue anyway
    }
    p = queue.pollFirst();
    if (p != null) {
      startOrResumeSlice(p);
      return p;
    }
    p = scheduler.steal(this);
    if (p != null) {
      p.resumeSliceStart = 0; // a slice on another CPU is not one to resume here
      steals++;
      if (KernelEvents.COMPILED && KernelEvents.on()) KernelEvents.steal(id, p);
      beginSlice();
    }
    return p;
  }

  /**
   * Starts a slice for {@code p}, taken from this CPU's queue, unless a wake-up preemption put it
   * there in the middle of one: then it resumes that slice, so that wakes from other CPUs cannot
   * keep its slice from ending for the processes queued behind it.
   */
  private void startOrResumeSlice(Process p) {
    long resume = p.resumeSliceStart;
    if (resume == 0) {
      beginSlice();
      return;
    }
    if (idleSince != 0) {
      idleNanos += System.nanoTime() - idleSince;
      idleSince = 0;
    }
    p.resumeSliceStart = 0;
    sliceStart = resume;
    SLICE_BEGAN.setRelease(this, resume);
  }

  private void beginSlice() {
    long now = System.nanoTime();
    sliceStart = now;
    SLICE_BEGAN.setRelease(this, now);
    if (idleSince != 0) {
      idleNanos += now - idleSince; // the idle stretch a handover ended (see idle)
      idleSince = 0;
    }
  }

  /** The process on this CPU now, for the slice timer (may be stale by one dispatch). */
  Process running() {
    return (Process) RUNNING.getAcquire(this);
  }

  long sliceBegan() {
    return (long) SLICE_BEGAN.getAcquire(this);
  }

  /** True if processes wait in this CPU's queue (readable from any thread). */
  boolean hasWaiting() {
    return !queue.isEmpty() || hasOffered();
  }

  private void dispatch(Process p) {
    if (p.shipStays) {
      // A call whose caller waits for it on its own CPU, where it is ON_CPU: nothing of this CPU's
      // bookkeeping for a process it runs applies (see Gate.shipAndStay).
      ParameterBlock block = p.shipBlock; // read once: a destroy on another CPU clears it
      if (block == null) {
        p.shipOutcome = Process.SHIP_NOT_RUN; // destroyed on its way: its trap finds that
        p.markShipReturned();
        return;
      }
      runShipped(p, block);
      return;
    }
    if (scheduler.dropStale(p, this)) {
      return; // destroyed while ready, and not made ready since
    }
    ParameterBlock shipped = p.shipBlock; // read once: a destroy on another CPU may clear it
    if (shipped != null) {
      runShipped(p, shipped); // handed here to run its call, not its program
      return;
    }
    // ON_CPU with a release store (no fence). For trusted code nothing else is needed: no call
    // waits for it to be off its CPU (setSpaceAndPC re-runs instead, and a trusted program finds
    // its stack discarded at its next trap). READY to ON_CPU changes no waker's compare-and-set,
    // which only moves IDLE to READY.
    Scheduler.SCHED.setRelease(p, Process.ON_CPU);
    // Read once, for the mount and the check below alike: a destroy on another CPU may clear it.
    PollWord poll = p.poll;
    boolean confined = mount(p, poll, host != null);
    if (poll != null && txn.heldElsewhere(p)) {
      // Another CPU's call holds this loaded program's lock and may be waiting for it to be off
      // every CPU (setSpaceAndPC): it is not run until that call is done. The store of ON_CPU
      // above, the full fence of the mount (PollFlag.enter, always taken for a loaded program),
      // and this read pair with that call's lock and its read of sched, so one of the two always
      // sees the other. The lock is the program's word, or, for a program in another CPU's
      // domain, that CPU's own lock, whose compare-and-set precedes that CPU's read of sched just
      // as the word's would (held by that CPU for some other object, it only delays the run).
      // The mount is undone: the next mount, or the loop's leave, replaces what it published, and
      // nothing is charged from its meter reading.
      current = null;
      if (host == null) {
        RUNNING.setRelease(this, null);
        pollFlag.leave();
      }
      allocMarked = false;
      Scheduler.SCHED.setRelease(p, Process.READY);
      queue.addLast(p);
      Thread.onSpinWait();
      return;
    }
    p.homeCpu = id;
    dispatches++;
    // Read once: a destroy on another CPU clears p.cont, and this dispatch must keep running (and
    // then judge) the continuation it started, not a field that went null under it.
    ProgramContinuation c = p.cont;
    if (c == null) {
      c = new ProgramContinuation(() -> scheduler.body.accept(p));
      p.cont = c;
      p.restartStack = false;
    }
    p.afterYield = Process.AFTER_BLOCK;
    DispatchEvent event = KernelEvents.COMPILED && KernelEvents.on() ? dispatchBegin() : null;
    try {
      c.run();
    } catch (Throwable t) {
      // A program cannot throw past its gate (the kernel catches everything there), so this is
      // the kernel's own failure: take the process off the CPU before reporting.
      survive(t);
      clearInterrupt();
      return;
    }
    if (event != null) KernelEvents.dispatchEnd(event, id, p);
    if (confined && allocMarked) {
      charge(p); // before RUNNING is cleared: the heap guard must always see the bytes somewhere
    }
    if (host == null) {
      RUNNING.setRelease(this, null);
      pollFlag.leave();
    } // else run in place: the host's mount, next, replaces both (see runDonatedInPlace)
    current = null;
    // A program may have interrupted the carrier; left set, it would make every park return at
    // once and an idle CPU spin at full load.
    clearInterrupt();
    // A continuation that ended after its process discarded it (setSpaceAndPC, destroy) is not the
    // process's end: only the end of the process's current continuation is.
    if (c.isDone() && p.cont == c) {
      p.exited = true;
    }
    if (!p.exited && p.afterYield == Process.AFTER_SHIP) {
      ship(p);
      return;
    }
    // restartStack: the process discarded its own stack; it starts again with a new continuation.
    // The state that ends a dispatch is written with a release store, not a volatile one (which
    // is a full fence): what must see it is a waker, which may only make the process ready while
    // holding a lock the process's blocking transaction held, so it takes that lock after the
    // releaseAll below, whose unlocks (release stores) come after this store; and the spinning
    // readers of ON_CPU (awaitOffCpu, the heap guard) only need to see it eventually.
    if (!p.exited && (p.afterYield == Process.AFTER_REQUEUE || p.restartStack)) {
      // Still ON_CPU to everyone else until it is back in a queue as READY.
      Scheduler.SCHED.setRelease(p, Process.READY);
      txn.releaseAll();
      queue.addLast(p);
      scheduler.offerToIdlePeer(this, p);
      return;
    }
    // Before the unlock: a waker must never find it mounted.
    Scheduler.SCHED.setRelease(p, Process.IDLE);
    txn.releaseAll();
  }

  /**
   * {@code p} yielded at the start of a call for the call to run on CPU {@link Process#shipTo},
   * where its recipient waits (docs/DESIGN-NOTES.md, "A cross-CPU call runs where its recipient
   * is"). It holds no lock: nothing of the call has run. Handed to that CPU through its inbox if it
   * is idle; otherwise the call runs here, now, as it would have in the trap.
   */
  private void ship(Process p) {
    int to = p.shipTo;
    ParameterBlock block = p.shipBlock;
    Scheduler.SCHED.setRelease(p, Process.READY); // no waker's compare-and-set moves READY
    txn.releaseAll(); // none held
    if (block == null) {
      // Destroyed since it yielded (a destroy clears the block): found stale wherever it goes.
      scheduler.returnShipped(p, this);
      return;
    }
    if (to >= 0 && to < scheduler.cpuCount() && to != id && scheduler.cpu(to).offer(p)) {
      shipsSent++;
      return;
    }
    runShipped(p, block);
  }

  /**
   * Runs the call {@code p} shipped ({@link #ship}), on this CPU's thread with no program mounted.
   * {@code p} stays READY throughout, so no waker can queue it meanwhile, and no call waiting for
   * it to leave a CPU waits for this. A call that waits leaves it IDLE, published before the locks
   * the call took are released, as a dispatch that ends in a wait does; any other goes on at its
   * home CPU, where its trap finds what became of the call.
   */
  private void runShipped(Process p, ParameterBlock block) {
    touch(p, block);
    shipsRun++;
    p.shipBlock = null;
    boolean waits = scheduler.shippedCall.run(p, block, this);
    if (p.shipStays) {
      // The caller waits on its own CPU, ON_CPU there throughout: no state to change, nothing to
      // send back. The outcome is final once the locks are released; the store tells it so.
      txn.releaseAll();
      p.markShipReturned();
      return;
    }
    if (waits) {
      Scheduler.SCHED.setRelease(p, Process.IDLE);
      txn.releaseAll();
      return;
    }
    txn.releaseAll();
    scheduler.returnShipped(p, this);
  }

  /**
   * The reads of {@link #touch} that need no block: the process's lines and the words' lines, the
   * words as handed over in the inbox (a hint: any words array is read harmlessly). Before, the
   * words' lines were fetched only after the process's line that names them. Measured with {@code
   * CrossCpuProbe} (13 JVMs per build, alternated, the median of five rounds each): in the host's
   * fast mode 707, 704 and 726 ns against 754, 715 and 731; in its slow mode, a median of 2 050 ns
   * against 2 340 (docs/BENCHMARKS.md, "Fifteenth session").
   */
  private void touchWords(Process p, long[] w) {
    touched +=
        p.touchForCall()
            + w[TOUCHED_WORDS[0]]
            + w[TOUCHED_WORDS[1]]
            + w[TOUCHED_WORDS[2]]
            + w[TOUCHED_WORDS[3]];
  }

  /**
   * Reads the lines of {@code p} and of its block that the call's transaction will read, all at
   * once, before it starts: {@link Process#touchForCall}, and words of the block no more than 64
   * bytes apart from its first to its last, so that no line of the array is missed whatever its
   * alignment. The caller's CPU wrote them last, so each is a transfer from that CPU; the
   * transaction reads them one after another, mostly each after a read that depends on the one
   * before (the process, then its block, then the words, then its lock), so that their transfers
   * would not overlap. Read here, independently, they arrive together; the words through {@link
   * Process#shipWords}, beside the block rather than after it. Measured, medians of 8 JVMs each:
   * the cross-CPU call took 1203 ns against 1338 without any of this, and in two more sittings 1221
   * and 1232 ns with the words read beside the block against 1383 and 1432 with them read after it
   * (docs/BENCHMARKS.md, "Fourteenth session").
   */
  private void touch(Process p, ParameterBlock block) {
    // The words through the process, read beside the block: not after it (Process#shipWords).
    // Every block's words are ParameterBlock.WORDS long, whichever block they came from.
    long[] w = p.shipWords;
    if (w == null) {
      w = block.w;
    }
    touched += block.w == null ? 0 : 1; // the block's own line (its reference is never null)
    touchWords(p, w);
  }

  /**
   * The block's words {@link #touch} reads: the first, the last, and none more than eight words (64
   * bytes) after the one before ({@code CpuLayoutTest}).
   */
  static final int[] TOUCHED_WORDS = {
    ParameterBlock.ICW, ParameterBlock.INVCAP, ParameterBlock.RCVCAP + 3, ParameterBlock.EPID
  };

  /** What {@link #touch} read, kept so that the compiler keeps the reads. */
  @SuppressWarnings("unused")
  private long touched;

  /**
   * Whether this CPU has nothing to run but the process running now: nothing queued, donated or
   * handed over (read on this CPU's thread, by that process's trap).
   */
  public boolean hasNothingElse() {
    return donated == null && queue.isEmpty() && !hasOffered();
  }

  /**
   * Counts a call the running process's trap handed to another CPU itself, to wait for it here
   * ({@link Process#shipStays}).
   */
  public void noteShipStayed() {
    shipsSent++;
    shipsStayed++;
  }

  /** Of {@link #shipsSent}, the calls whose callers waited for them on this CPU. */
  public long shipsStayed() {
    return shipsStayed;
  }

  /** Calls this CPU handed to another through its inbox ({@link #ship}). */
  public long shipsSent() {
    return shipsSent;
  }

  /** Calls shipped by processes that this CPU ran for them ({@link #runShipped}). */
  public long shipsRun() {
    return shipsRun;
  }

  /**
   * Makes {@code p} the process this CPU runs: the allocation meter, the slice timer's view and the
   * poll word ({@code poll}, p's as read once by the caller; a non-null one takes a full fence).
   * Returns whether {@code p} runs a loaded (confined) program. {@code inPlace}: the switch is one
   * of a call run in place (the donee's mount, or its host's again), where the meter is read only
   * while the heap guard asks for it ({@link Scheduler#meterInPlace(boolean)}).
   */
  private boolean mount(Process p, PollWord poll, boolean inPlace) {
    current = p;
    RUNNING.setRelease(this, p);
    if (poll == null) {
      // Nothing to leave after a dispatch from the loop; after a run in place, the other side's
      // word is still mounted.
      pollFlag.leave();
    } else {
      // The flag's one full fence orders the store of RUNNING above before the read of the slice
      // timer's flag below: the timer sets its flag before it looks at the CPUs, so one of the
      // two sees the other (no missed wake-up).
      pollFlag.enter(poll);
      poll.newSlice();
      scheduler.sliceTimer.confinedDispatched();
    }
    // Loaded programs (no trusted lambda) are charged for what they allocate, from their first
    // dispatch on: the one that loads them, before they have a poll word. The meter is looked at
    // after newSlice: a SLICE mark the heap guard raised to end an unmetered stretch (after it
    // turned metering on) is either still there, or was cleared here, and then the guard's flag
    // is seen below.
    boolean confined = p.program == null;
    if (!confined) {
      allocMarked = false;
    } else if (!allocMarked && AllocationMeter.AVAILABLE) {
      if (inPlace && !unmetered && !scheduler.meterInPlace) {
        // A stretch charged to nobody begins (see runDonatedInPlace). The flag goes up before the
        // guard's is read again, next: the guard writes its own before it looks at this one, so
        // one of the two sees the other, and the stretch is either not begun or ended by a mark.
        unmetered = true;
      }
      if (!inPlace || scheduler.meterInPlace) {
        allocMark = AllocationMeter.current();
        allocMarked = true;
        meterReadings++;
        if (unmetered) {
          unmetered = false;
        }
      }
    }
    return confined;
  }

  /**
   * Runs the process {@code caller} just donated its slice to <em>in place</em>: called from {@code
   * caller}'s own trap, on its Java stack, where the call has decided to wait in its receive phase
   * with its locks held. The donee is dispatched exactly as the loop would dispatch it next (its
   * continuation runs nested in the caller's, and its yield comes back here), so the round trip of
   * a same-CPU call costs one continuation switch instead of two ("The same-CPU call runs its
   * server in place" in docs/DESIGN-NOTES.md).
   *
   * <p>Only when the loop would run the donee next with nothing to decide in between: the slice is
   * not over while others wait in this CPU's queue, no wake-up preemption is pending, no cut or
   * stop is asked for, and this CPU is not inside such a run already (one level: a donee's own
   * calls wait the ordinary way), and only when the caller's stack pointer is at or above this
   * CPU's in-place floor, so that the donee gets at least {@link #stackGuarantee()} bytes of stack,
   * as from the loop. Returns false, doing nothing, otherwise.
   *
   * <p>{@code caller}'s locks are released before the donee runs; it stays ON_CPU throughout (its
   * frames are live under the donee's), so a waker's IDLE to READY fails: a delivery marks it
   * {@link Process#received} and the caller finds that when this returns, and any other change
   * while it was off the CPU in all but name is found by running its call again.
   */
  public boolean runDonatedInPlace(Process caller) {
    Process next = donated;
    if (next == null
        || host != null
        || current != caller
        || wakePreempt
        || scheduler.cutting
        || scheduler.stopping) {
      return false;
    }
    if (!queue.isEmpty()
        && (++inPlaceWhileWaiting & (CLOCK_EVERY - 1)) == 0
        && System.nanoTime() - sliceStart >= scheduler.sliceNanos) {
      // Others wait and the chain's slice is over: the loop puts the donee at the back of the
      // queue (nextProcess), so it is not run here. While the slice lasts the loop would run the
      // donee next all the same, so it runs in place whether or not others wait. The clock is
      // read at every CLOCK_EVERY-th such run only (a reading costs about what a tenth of the
      // call does): a slice then ends at most that many calls late, a few microseconds of 500.
      inPlaceWhileWaiting = 0;
      return false;
    }
    if (StackPointer.get() < inPlaceFloor) {
      // Too deep: the server would get less than the guarantee. (Also every call where the stack
      // pointer cannot be read: the floor is then Long.MAX_VALUE.)
      inPlaceRefusedForStack++;
      return false;
    }
    donated = null;
    host = caller;
    inPlaceRuns++;
    if (caller.program == null && allocMarked) {
      charge(caller);
      if (!scheduler.meterInPlace) {
        // No reading at the switches of this run nor of the next ones until the guard asks again
        // or the loop dispatches: what they allocate is charged to nobody (see mount).
        allocMarked = false;
      }
    }
    // RUNNING and the poll flag keep the caller until the donee's mount replaces them (and the
    // donee's keep it until the caller's mount, below): a raise on the caller's word in between
    // puts the shared word up until that mount's sync, which only sends checks to their slow path
    // once; no program runs in between. A full leave and enter for each would cost two fences more.
    current = null;
    txn.releaseAll();
    try {
      dispatch(next);
    } finally {
      host = null;
      mount(caller, caller.poll, true);
    }
    return true;
  }

  /**
   * The process whose trap is running another in place on this CPU ({@link #runDonatedInPlace}), or
   * null: its Java stack is live under the running process's, though its call waits. Only
   * meaningful on this CPU's thread.
   */
  public Process host() {
    return host;
  }

  /** Readings of the allocation meter this CPU has taken (to charge loaded programs). */
  public long meterReadings() {
    return meterReadings;
  }

  /** See {@link #unmetered}; read by the heap guard's thread. */
  boolean unmetered() {
    return unmetered;
  }

  /** Donees run in place by their callers' traps ({@link #runDonatedInPlace}). */
  public long inPlaceRuns() {
    return inPlaceRuns;
  }

  /**
   * Calls that could have run their server in place but for their caller's depth (its stack pointer
   * below the in-place floor, or unreadable).
   */
  public long inPlaceRefusedForStack() {
    return inPlaceRefusedForStack;
  }

  /**
   * Charges what this thread allocated since the last reading to {@code p}, which just left the
   * CPU. One reading per confined dispatch (each ends where the next begins), none for trusted
   * code, and none at the switches of calls run in place while the heap is far under the guard's
   * threshold: the reading is a call into the JVM (about 35 ns measured on the development machine;
   * two per round trip of a call run in place).
   */
  private void charge(Process p) {
    long now = AllocationMeter.current();
    meterReadings++;
    long bytes = now - allocMark;
    int window = scheduler.allocWindow;
    if (p.allocWindow != window) {
      p.allocWindow = window;
      p.allocated = bytes;
    } else {
      p.allocated += bytes;
    }
    // After the charge: the guard, reading from its own thread, may count these bytes twice for a
    // moment, never not at all.
    allocMark = now;
  }

  /**
   * What {@code p}, if it runs here now, has allocated in this dispatch and not yet been charged
   * with (a program that never leaves the CPU is charged nothing until it does). Read from another
   * thread, so only an estimate: good enough to compare processes.
   */
  long uncharged(Process p) {
    if (running() != p || !allocMarked) {
      return 0;
    }
    return Math.max(0, AllocationMeter.of(thread) - allocMark);
  }

  private static void clearInterrupt() {
    if (Thread.interrupted()) {
      Thread.onSpinWait(); // the flag is cleared; nothing else to do
    }
  }

  boolean hasWork() {
    return hasOffered() || donated != null || !queue.isEmpty() || scheduler.canSteal(this);
  }

  /**
   * Whether another CPU has handed this one a process through its inbox that it has not taken yet
   * (from any thread; a hint). The process taken at the last switch stays in the inbox while it
   * runs ({@link #nextProcess}), so the one running here does not count; in the idle loop nothing
   * runs and the slot holds only a process not taken yet. No read of the current thread, which C2
   * may hoist in a continuation's frame (docs/DESIGN-NOTES.md, "Processes as continuations, and
   * thread identity").
   */
  private boolean hasOffered() {
    Object o = SLOT.getVolatile(this);
    return o instanceof Process p && p != running();
  }

  /**
   * Hands {@code p} (READY, woken by another CPU or from outside the CPUs) to this CPU if it is
   * idle and its inbox empty, and unparks it if it sleeps: one compare-and-set on the inbox's line,
   * the line this CPU spins on, so it sees {@code p} one cache-line transfer after it is written,
   * and takes it without touching its queue. False, doing nothing, if this CPU is busy or was
   * handed another process: the caller queues {@code p} instead.
   */
  boolean offer(Process p) {
    return offer(p, null);
  }

  /**
   * {@link #offer(Process)} for a call shipped here, whose parameter words {@code words} (or null)
   * are left beside the process in the inbox's line ({@link #handedWords}): the taker reads them
   * with the process and fetches the lines of both at once.
   */
  boolean offer(Process p, long[] words) {
    if (handedWords != words) {
      handedWords = words; // on the line the compare-and-set takes next: no transfer of its own
    }
    if (SLOT.compareAndExchange(this, WAITING, p) != WAITING) {
      return false;
    }
    if (PARKED.getVolatile(this) != null) { // on the line the exchange brought here
      LockSupport.unpark(thread);
    }
    return true;
  }

  /**
   * Waits for work: spins for the scheduler's spin budget (work made ready by another CPU is then
   * found within a cache-line transfer), then parks until kicked. A kick can come at any time
   * between the last look and the park: {@link #kick} unparks a CPU that has said it parks, and a
   * permit given before the park makes the park return at once, so no wake-up is lost.
   */
  private void idle() {
    // WAITING before idle is set (a volatile store, ordered before the first look below): from
    // here on another CPU may hand this one a process through the inbox.
    SLOT.setRelease(this, WAITING);
    idle = true;
    long start = System.nanoTime();
    long now = start;
    boolean handedOver = false;
    try {
      long deadline = start + scheduler.spinNanos;
      for (; ; ) {
        if (hasWork() || scheduler.stopping || scheduler.cutting) {
          if (SLOT.getOpaque(this) instanceof Process) {
            // Handed a process: it runs next, and the slice it starts reads the clock, which
            // ends this stretch too (see beginSlice). One reading fewer on a cross-CPU wake.
            handedOver = true;
            return;
          }
          now = System.nanoTime();
          return;
        }
        // The clock after a look that found nothing, so that a handed process goes straight on.
        now = System.nanoTime();
        if (now - deadline >= 0) {
          break;
        }
        // Until a process lands in the inbox or CHECK_EVERY spins have passed, this CPU reads
        // only the inbox's line: no other CPU's writes wait for its copies of their lines.
        for (int spins = 0; spins < CHECK_EVERY; spins++) {
          Thread.onSpinWait();
          if (SLOT.getOpaque(this) != WAITING) {
            break;
          }
        }
      }
      PARKED.setVolatile(this, WAITING);
      if (hasWork() || scheduler.stopping || scheduler.cutting) {
        PARKED.setRelease(this, null);
        return;
      }
      parks++;
      // Timed: a wake-up lost to some path that adds work without a kick costs at most this long.
      LockSupport.parkNanos(this, PARK_TIMEOUT_NANOS);
      PARKED.setRelease(this, null);
      long woke = System.nanoTime();
      parkedNanos += woke - now;
      now = woke;
    } finally {
      // A release store, not a volatile one (a full fence): other CPUs read the flag only as a
      // hint of where to offer work, and nothing this CPU reads next needs ordering after it.
      IDLE.setRelease(this, false);
      if (handedOver) {
        idleSince = start;
      } else {
        idleNanos += now - start;
      }
      // Busy from here on: no more processes handed over. One that was is taken by nextProcess.
      if (SLOT.getOpaque(this) == WAITING) {
        SLOT.compareAndSet(this, WAITING, null);
      }
    }
  }

  /** True while this CPU is in its idle loop (a hint: it may be about to leave it). */
  public boolean isIdle() {
    return idle;
  }

  /** The longest an idle CPU sleeps before it looks for work again. */
  private static final long PARK_TIMEOUT_NANOS = 50_000_000L;

  boolean isParked() {
    return PARKED.getVolatile(this) != null;
  }

  /** Wakes this CPU if it is parked; called after adding work to its queue. */
  void kick() {
    if (isParked()) {
      LockSupport.unpark(thread);
    }
  }

  ReadyQueue queue() {
    return queue;
  }

  /** The process on this CPU now, from any thread (may be stale by one dispatch). */
  public Process runningNow() {
    return running();
  }

  /** The processes in this CPU's ready queue now, front first (the donated one first). */
  public java.util.List<Process> readyNow() {
    java.util.List<Process> ready = queue.snapshot();
    if (SLOT.getAcquire(this) instanceof Process p && p.sched == Process.READY) {
      ready.add(0, p); // handed over through the inbox, not taken yet: it runs first
    }
    return ready;
  }
}
