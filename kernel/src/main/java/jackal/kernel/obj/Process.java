package jackal.kernel.obj;

import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.cap.Capability;
import jackal.kernel.sched.Cpu;
import jackal.kernel.sched.PollWord;
import jackal.kernel.sched.ProgramContinuation;
import jackal.kernel.sched.Scheduler;
import jackal.kernel.sched.StallQueue;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A process: its persistent state (run state, fault, the six special capability slots and 32
 * capability registers) and the kernel-private state that schedules it.
 *
 * <p>Persistent fields are read and written only under the process's lock. The scheduling fields
 * follow the rule written at {@link #sched}.
 */
@SuppressWarnings("JavaLangClash") // the Coyotos name; java.lang.Process is never used here
public final class Process extends KObject {
  public static final int RUNNING = 0;
  public static final int RECEIVING = 1;
  public static final int FAULTED = 2;

  /** Scheduling states (kernel-private). */
  public static final int IDLE = 0;

  public static final int READY = 1;
  public static final int ON_CPU = 2;

  /** What the dispatcher does with a process once its continuation has yielded. */
  public static final int AFTER_BLOCK = 0;

  public static final int AFTER_REQUEUE = 1;
  public static final int AFTER_EXIT = 2;

  /**
   * The process yielded at the start of a call, before any of it ran, for the call to be run by the
   * kernel on CPU {@link #shipTo}, where its recipient waits (docs/DESIGN-NOTES.md, "A cross-CPU
   * call runs where its recipient is").
   */
  public static final int AFTER_SHIP = 3;

  /** {@link #shipOutcome}: the shipped call is complete; the program goes on. */
  public static final int SHIP_DONE = 0;

  /**
   * {@link #shipOutcome}: the shipped call waits (receiving, or stalled), as a trap that blocks.
   */
  public static final int SHIP_WAITS = 1;

  /** {@link #shipOutcome}: nothing of the shipped call was done; the trap runs it itself. */
  public static final int SHIP_NOT_RUN = 2;

  /** {@link #shipOutcome}: the kernel failed running the shipped call ({@link #shipFailure}). */
  public static final int SHIP_FAILED = 3;

  // ---- persistent state
  public int runState;
  public int flags;
  public int notices;
  public int faultCode;
  public long faultInfo;
  public Capability schedule = Capability.NULL;
  public Capability addrSpace = Capability.NULL;
  public Capability brand = Capability.NULL;
  public Capability cohort = Capability.NULL;
  public Capability ioSpace = Capability.NULL;
  public Capability handler = Capability.NULL;

  /** How many capability registers a process has (register 0 always reads as Null). */
  public static final int CAP_REGS = 32;

  /**
   * The register file every process starts with and reads until its first register is written: all
   * Null, shared by every process and never written ({@link #setCapReg} gives a process an array of
   * its own before it stores anything but Null). A waiting server that has never been sent a
   * capability so costs no register file (issue 10, scale).
   */
  private static final Capability[] NO_CAP_REGS = nullRegisters();

  /**
   * The capability registers: {@link #NO_CAP_REGS} until the first write of a capability, then this
   * process's own. Read and written, like every other field here, under the process's lock or on
   * its own CPU; only through {@link #capReg} and {@link #setCapReg}.
   */
  private Capability[] capRegs = NO_CAP_REGS;

  /**
   * The program counter: the address, in {@link #addrSpace}, of the program image the process runs
   * (see jackal.kernel.load.ImageFormat). Its code is loaded from there each time the process
   * starts running with no Java stack.
   */
  public long pc;

  /**
   * Trusted kernel-test code run in place of a loaded program, with no verification or isolation;
   * null for every process whose code lives in its space. Never set for user programs.
   */
  public ProgramEntry program;

  /**
   * Set by the process itself (on its own CPU) when it has just discarded its own Java stack with
   * setSpaceAndPC: the dispatcher then queues it again to start afresh.
   */
  public boolean restartStack;

  // ---- kernel-private
  /**
   * Senders waiting for this process to receive: made when the first one waits (most processes
   * never keep a sender waiting, and a million waiting servers need no million empty queues: issue
   * 10, scale), then kept. Read and written under the process's lock, only through {@link
   * #rcvWaitQ()}, {@link #wakeSenders} and {@link #waitingSenders}.
   */
  private StallQueue rcvWaitQ;

  /**
   * The parameter block of the call this process is executing or receiving in. While the process
   * waits to receive, senders write the message here.
   */
  public ParameterBlock pb;

  /**
   * The word a confined program's preemption checks read, once its loader has bound it
   * (jackal.kernel.load.PollClass); null for trusted code given as a lambda, which has no checks.
   */
  public PollWord poll;

  /**
   * The receive this process waits in, taken from its parameter block (and checked) when it starts
   * waiting, so a sender never reads memory the receiver's program can still change: the control
   * word (its lrc, AC, CO and CW bits are what delivery uses), the string buffer, the endpoint ID a
   * closed wait matches, and where received capabilities go. Meaningful while {@link #runState} is
   * RECEIVING; guarded by the process's lock.
   */
  public long rcvIcw;

  public long rcvBound;
  public long rcvPtr;
  public long rcvEpId;

  /**
   * The four capability locations received capabilities go to (the block's RCVCAP words), kept as
   * fields rather than an array: one object fewer for every process (issue 10, scale). Through
   * {@link #takeRcvCaps} and {@link #copyRcvCaps}.
   */
  private long rcvCap0;

  private long rcvCap1;
  private long rcvCap2;
  private long rcvCap3;

  /**
   * Set when a message or reply was delivered into this process's block while it waited to receive:
   * the call it waits in is complete, and the process returns from it as a Coyotos receiver returns
   * to user mode, without running the call again. Written under the process's lock by the
   * deliverer, before the process is made ready; cleared at the process's next trap.
   */
  public boolean received;

  /**
   * The program loaded into this process (its class loader and capture state), once loaded; null
   * for trusted code. Written and read by the process's own thread.
   */
  public jackal.kernel.load.LoadedProgram loaded;

  /** A capture of this process's program state asked for and not answered yet (issue 12). */
  public volatile jackal.kernel.load.ProgramStateService.Request captureRequest;

  /**
   * Program state the process resumes from the next time its program is loaded, instead of starting
   * at its entry (a restore after a restart); taken when used.
   */
  public volatile byte[] restoreFrom;

  /**
   * Set while the kernel loads this process's program (reads, verifies and prepares its image,
   * makes its class loader, defines the image's shared classes, before any program code runs): code
   * with no preemption check, on the process's CPU. A cut that finds a CPU held up by a loading
   * process does not count that time against its bound: it lets the CPUs run and tries again once
   * the load is over (docs/PERSISTENCE.md, section 6, "Start-up").
   */
  public volatile boolean loading;

  /**
   * Set while this process waits off the CPU in a system call it will run again from its start when
   * woken (receiving, stalled, asleep): written by the process under its own lock before it yields,
   * cleared once it runs again. A checkpoint's cut reads it, under the lock, to find the processes
   * it may wake so that they reach a capture point (docs/PERSISTENCE.md, section 3).
   */
  public boolean waitsInCall;

  /**
   * Set, under this process's lock, when a cut woke it out of a receive to capture its program:
   * until it runs its receive again, a sender finds it not ready and waits for it, even a
   * non-blocking one, whose message would otherwise be dropped. Kept by the checkpoint (the process
   * resumes into its receive) and cleared when the receive starts again or the process is
   * destroyed.
   */
  public boolean receiveSuspended;

  /**
   * Set by a cut's program-state capture when this process's state is taken: the process then
   * waits, its program unwound, until the cut is over, so that the state stays exact (it has not
   * run since). Written under the cut's monitor; cleared under the process's lock.
   */
  public volatile boolean heldForCut;

  /** The continuation running {@link #program}; created at first dispatch. */
  public ProgramContinuation cont;

  /** A human-readable name for logs and the inspector. */
  public String name;

  /**
   * Scheduling state: {@link #IDLE} (on no ready queue, not running: receiving, stalled, faulted or
   * exited), {@link #READY} (on exactly one ready queue or donation slot) or {@link #ON_CPU}. IDLE
   * to READY happens only by compare-and-set, and only in a transaction holding a lock that the
   * process's own blocking transaction held; the dispatcher publishes IDLE before it releases those
   * locks, so a waker can never find a process still mounted.
   */
  public volatile int sched;

  /**
   * The incarnation ({@link #allocCount}) that was last made ready: a ready-queue entry serves the
   * process only while this equals its allocCount. A process destroyed while READY leaves its entry
   * behind (the queue is its CPU's); if the object is allocated again before the entry is reached,
   * the fresh process must not run from it, half built, before whoever builds it starts it (a
   * constructor's yield ran at PC 0 and faulted that way). Written before the IDLE to READY
   * compare-and-set (see Scheduler.makeReady).
   */
  public volatile long readyFor;

  /** Set by the process before it yields; read by the dispatcher after. */
  public int afterYield;

  /** Link in a ready queue. */
  public Process readyNext;

  /** The stall queue this process sleeps on, if any, and its link there. */
  public StallQueue stalledOn;

  public Process stallNext;

  /**
   * When the slice began that a wake-up preemption interrupted (a donee put back at the front of
   * its CPU's queue for a process woken from another CPU), or 0: it resumes that slice, not a new
   * one. Written and read by the CPU threads that queue and dispatch it, under the queue's lock.
   */
  public long resumeSliceStart;

  /** The CPU this process last ran on, and the CPUs it may run on (a bit mask). */
  public int homeCpu;

  /**
   * A hint for this process's next call: its last call through the capability at location {@link
   * #shipLoc} delivered to a recipient on CPU {@code shipTo}, where this process may not run, so
   * the next such call is run there ({@link #AFTER_SHIP}); -1 for none. Written in the delivering
   * transaction, under this process's lock, only when it changes; read by the process's own trap.
   * Only a hint: the call is checked in full wherever it runs.
   */
  public int shipTo = -1;

  public long shipLoc;

  /** The block of the call shipped ({@link #AFTER_SHIP}), handed to the CPU that runs it. */
  public ParameterBlock shipBlock;

  /**
   * The words of the block of this process's last shipped call, so that the CPU that runs the next
   * one can read their lines without first fetching the block's (Cpu.touch): only a hint, never
   * used for anything but those reads, and stale if the block changed since.
   */
  public long[] shipWords;

  /** Records {@link #shipWords}; stored only when they change, so the line stays shared. */
  public void noteShipWords(long[] words) {
    if (shipWords != words) {
      shipWords = words;
    }
  }

  /** What became of the shipped call ({@link #SHIP_DONE} ...), written by the CPU that ran it. */
  public int shipOutcome;

  /** The kernel's failure when the outcome is {@link #SHIP_FAILED}, for the trap to report. */
  public Throwable shipFailure;

  /**
   * The shipped call's caller stays on its own CPU, spinning in its trap, while the call runs on
   * the recipient's (docs/DESIGN-NOTES.md, "A caller with nothing else to run waits on its own
   * CPU"): written by the caller before it hands the call over, read by the CPU that runs it.
   */
  public boolean shipStays;

  /**
   * Set, with a release store ({@link #markShipReturned}), by the CPU that ran a staying caller's
   * shipped call once that call is over and its locks released: {@link #shipOutcome} is then final.
   * Cleared by the caller.
   */
  public volatile boolean shipReturned;

  /**
   * Set by a shipped call's caller while it waits for the reply on its own CPU, ON_CPU there
   * (docs/DESIGN-NOTES.md, "A caller with nothing else to run waits on its own CPU"): a wake that
   * finds it so sets {@link #wokenHere} once the waking transaction has released its locks, as the
   * wake of a process off its CPU is queued only then.
   */
  public volatile boolean awaitsHere;

  /**
   * See {@link #awaitsHere}: set with a release store ({@link #markWokenHere}), cleared by the
   * caller.
   */
  public volatile boolean wokenHere;

  private static final VarHandle SHIP_RETURNED;
  private static final VarHandle WOKEN_HERE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      SHIP_RETURNED = l.findVarHandle(Process.class, "shipReturned", boolean.class);
      WOKEN_HERE = l.findVarHandle(Process.class, "wokenHere", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Tells a staying caller its shipped call is over ({@link #shipReturned}). A release store, not a
   * volatile one: the caller spins on this line, so the full fence of a volatile store would hold
   * this CPU until the caller's copy of the line is invalidated, and nothing this CPU reads after
   * it needs that order (the caller reads the flag with a volatile load, then the outcome).
   */
  public void markShipReturned() {
    SHIP_RETURNED.setRelease(this, true);
  }

  /** Tells a caller waiting on its own CPU that its wake has come; a release store, as above. */
  public void markWokenHere() {
    WOKEN_HERE.setRelease(this, true);
  }

  public long cpuMask = -1L;

  /** When a sleeping process is due (nanoseconds since the kernel started); 0 if not asleep. */
  public long sleepDeadline;

  /** Set when the program has returned or died; the process is never dispatched again. */
  public boolean exited;

  /**
   * The account of the last failure that ended this process's program (its exception and the
   * program's frames of its stack), or null; kept for the quiescence report ({@code
   * Kernel.processes}).
   */
  public volatile String death;

  /**
   * Heap bytes this process's program allocated while on a CPU during allocation window {@link
   * #allocWindow} (the scheduler's window: the time since the live heap was last seen under half
   * the heap guard's threshold). Written only by the CPU thread that ran the process, as it leaves
   * the CPU; read by the heap guard, for which a value one dispatch stale is good enough. Confined
   * processes only: trusted code is not charged.
   */
  public long allocated;

  public int allocWindow;

  /**
   * Set by the process itself while it waits off the CPU for the heap guard to let it go ({@code
   * PollWord.HOLD}); the guard wakes it until it sees this cleared.
   */
  public volatile boolean held;

  /**
   * The system call of this process being recorded as a JFR event, if any (jackal.kernel.trace): a
   * fault delivered meanwhile becomes its result, and the gate's trap, finding it set, runs the
   * call itself. Written only by the process's own trap.
   */
  public Object traceCall;

  public Process(long oid) {
    super(oid);
  }

  private static Capability[] nullRegisters() {
    Capability[] regs = new Capability[CAP_REGS];
    Arrays.fill(regs, Capability.NULL);
    return regs;
  }

  /**
   * Reads, in no particular order, a field of each part of this process that a call's transaction
   * reads or writes (its lock word's neighbour {@link #received}, its block and continuation, its
   * run and receive state, its pending notices and fault, its scheduling word and capability
   * registers), and returns a value that depends on every one of them, so that the compiler keeps
   * the reads. For a CPU about to run a call of this process that was made on another CPU
   * (Cpu.runShipped): the lines arrive together instead of each waiting for the read before it, as
   * the transaction's own reads would (docs/DESIGN-NOTES.md, "What a cross-CPU call cannot avoid").
   * Nothing is decided on what it reads.
   */
  public long touchForCall() {
    return (received ? 1 : 0)
        + (pb == null ? 0 : 2)
        + (cont == null ? 0 : 4)
        + capRegs.length
        + runState
        + rcvIcw
        + rcvBound
        + rcvPtr
        + rcvEpId
        + rcvCap3
        + notices
        + faultCode
        + sched;
  }

  /** Capability register {@code i} (0 .. {@link #CAP_REGS} - 1). */
  public Capability capReg(int i) {
    return capRegs[i];
  }

  /**
   * Stores {@code c} in capability register {@code i} (0 .. {@link #CAP_REGS} - 1). The first store
   * of anything but Null gives the process a register file of its own; storing Null into the shared
   * one changes nothing, as it already reads Null.
   */
  public void setCapReg(int i, Capability c) {
    Capability[] regs = capRegs;
    if (regs == NO_CAP_REGS) {
      Objects.checkIndex(i, CAP_REGS);
      if (c == Capability.NULL) {
        return;
      }
      regs = nullRegisters();
      capRegs = regs;
    }
    regs[i] = c;
  }

  /**
   * The queue senders wait on until this process receives, made now if none has waited before
   * (under the process's lock, as every use of the queue is).
   */
  public StallQueue rcvWaitQ() {
    StallQueue q = rcvWaitQ;
    if (q == null) {
      q = new StallQueue(this);
      rcvWaitQ = q;
    }
    return q;
  }

  /** Whether a sender has ever waited for this process (it has a queue of its own). */
  public boolean hasRcvWaitQ() {
    return rcvWaitQ != null;
  }

  /**
   * Makes every sender waiting for this process to receive ready again (they re-run their call);
   * nothing to do if none ever waited. Under the process's lock.
   */
  public void wakeSenders(Scheduler scheduler, Cpu from) {
    StallQueue q = rcvWaitQ;
    if (q != null) {
      q.wakeAll(scheduler, from);
    }
  }

  /** The senders waiting for this process to receive, first first (read under its lock). */
  public List<Process> waitingSenders() {
    StallQueue q = rcvWaitQ;
    return q == null ? List.of() : q.members();
  }

  /** Saves the receive's four capability locations from {@code words[from] .. words[from + 3]}. */
  public void takeRcvCaps(long[] words, int from) {
    rcvCap0 = words[from];
    rcvCap1 = words[from + 1];
    rcvCap2 = words[from + 2];
    rcvCap3 = words[from + 3];
  }

  /** Copies the receive's four capability locations into {@code to[0] .. to[3]}. */
  public void copyRcvCaps(long[] to) {
    to[0] = rcvCap0;
    to[1] = rcvCap1;
    to[2] = rcvCap2;
    to[3] = rcvCap3;
  }

  /** Whether this process has a register file of its own (a capability was ever stored in one). */
  public boolean ownsCapRegs() {
    return capRegs != NO_CAP_REGS;
  }

  @Override
  public int obType() {
    return ObType.PROCESS;
  }

  @Override
  public void clearContent() {
    runState = RUNNING;
    flags = 0;
    notices = 0;
    faultCode = 0;
    faultInfo = 0;
    schedule = addrSpace = brand = cohort = ioSpace = handler = Capability.NULL;
    capRegs = NO_CAP_REGS;
    program = null;
    poll = null;
    pc = 0;
    restartStack = false;
    pb = null;
    rcvIcw = rcvBound = rcvPtr = rcvEpId = 0;
    rcvCap0 = rcvCap1 = rcvCap2 = rcvCap3 = 0;
    received = false;
    receiveSuspended = false;
    cont = null;
    shipTo = -1;
    shipBlock = null;
    shipWords = null;
    shipFailure = null;
  }

  public boolean mayRunOn(int cpu) {
    return (cpuMask & (1L << cpu)) != 0;
  }

  @Override
  public String toString() {
    return name != null ? name + "#" + oid : "process#" + oid;
  }
}
