package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.cap.Capability;
import jackal.kernel.cap.OidLayout;
import jackal.kernel.load.AllowList;
import jackal.kernel.load.ProgramFailures;
import jackal.kernel.load.ProgramLoader;
import jackal.kernel.load.ProgramStateService;
import jackal.kernel.load.capture.CaptureClasses;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObjectTable;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.Cpu;
import jackal.kernel.sched.PollWord;
import jackal.kernel.sched.Restart;
import jackal.kernel.sched.Scheduler;
import jackal.kernel.sched.Transaction;
import java.io.PrintStream;

/**
 * The kernel proper: the object table, the CPUs, the handlers of the kernel-implemented
 * capabilities, and the two preparation steps every system call uses.
 */
public final class Machine {
  public final ObjectTable objects;
  public final Scheduler scheduler;
  final KernelLog log;

  /**
   * What Console capabilities write: the same stream as {@link #log}, through its own queue and
   * writer, so that a program flooding the terminal cannot crowd out the kernel's log.
   */
  final KernelLog terminal;

  /** Failures the CPUs survive; like {@link #log}, never written from a CPU thread directly. */
  private final KernelLog errorLog;

  final KernelTimer timer;
  public final Shutdown shutdown = new Shutdown();

  /**
   * Reads, verifies (once per image) and instantiates programs; makes them capturable if the
   * machine was made to capture program state.
   */
  public final ProgramLoader loader;

  /** Program state of processes, for the store (issue 12). */
  public final ProgramStateService programStates;

  private final Invocation[] invocations;

  /**
   * How the state of running programs is captured at a checkpoint and restored (issue 12); {@link
   * jackal.kernel.persist.ProgramStateCodec#NONE} until a capturing codec is installed.
   */
  public volatile jackal.kernel.persist.ProgramStateCodec programState =
      jackal.kernel.persist.ProgramStateCodec.NONE;

  /** The checkpointer the Checkpoint capability drives; null while the kernel has no store. */
  public volatile jackal.kernel.persist.CheckpointControl checkpoints;

  /**
   * One before each CPU's invocation state and one after the last (two cache lines and an array
   * header each): only their places in the heap matter.
   */
  @SuppressWarnings("unused")
  private final long[][] spacers;

  private final KernelCap[] handlers = new KernelCap[64];

  /** The size of {@link #reserve}: room for the account of a failure's causes and frames. */
  private static final int RESERVE_BYTES = 1 << 20;

  /**
   * Memory the kernel sets aside for its account of a program that ran the JVM out of heap. Such a
   * program still holds what filled the heap while the kernel describes its death (the error's
   * backtrace keeps its classes, and so their statics, alive), so the account, which allocates,
   * would fail in turn and the death would be a kernel error. Dropping the reserve first leaves it
   * room; it is taken again once the program's memory is garbage ({@link #runProgram}).
   */
  @SuppressWarnings("unused") // only the memory it holds matters
  private volatile byte[] reserve = new byte[RESERVE_BYTES];

  public Machine(
      int cpus,
      int cpusPerNode,
      long idleSpinNanos,
      long sliceNanos,
      OidLayout layout,
      long oidsPerType,
      PrintStream logOut,
      PrintStream errors) {
    this(
        cpus,
        cpusPerNode,
        idleSpinNanos,
        sliceNanos,
        layout,
        oidsPerType,
        logOut,
        errors,
        false,
        true,
        true);
  }

  /**
   * Whether loaded programs are made capturable (KernelConfig.capture). A loaded caller does not
   * run its server in place on such a kernel (Gate.trap; docs/DESIGN-NOTES.md, "Captures and
   * cuts").
   */
  final boolean captures;

  /**
   * Whether a call to a process pinned away from its caller's CPU is shipped to the recipient's CPU
   * and run there (docs/DESIGN-NOTES.md, "A cross-CPU call runs where its recipient is"): as
   * KernelConfig.crossCpuCalls says, and never on a kernel that makes programs capturable (a
   * shipped caller waits at no capture point).
   */
  final boolean shipCalls;

  /**
   * Whether a shipped call's caller with nothing else to run on its CPU waits for the call there,
   * spinning in its trap, instead of leaving the CPU (docs/DESIGN-NOTES.md, "A caller with nothing
   * else to run waits on its own CPU"): with {@link #shipCalls}, as KernelConfig.crossCpuCalls
   * says.
   */
  final boolean staysShipped;

  /**
   * As the other constructor; {@code capture}: whether loaded programs are made capturable, so that
   * {@link #programStates} can take and restore their state (KernelConfig.capture); {@code ship}
   * and {@code stay}: whether cross-CPU calls are shipped, and whether a shipped caller may wait on
   * its own CPU (KernelConfig.crossCpuCalls).
   */
  public Machine(
      int cpus,
      int cpusPerNode,
      long idleSpinNanos,
      long sliceNanos,
      OidLayout layout,
      long oidsPerType,
      PrintStream logOut,
      PrintStream errors,
      boolean capture,
      boolean ship,
      boolean stay) {
    this.loader = new ProgramLoader(AllowList.standard(), capture);
    this.programStates = new ProgramStateService(capture);
    this.captures = capture;
    this.shipCalls = !capture && ship;
    this.staysShipped = shipCalls && stay;
    this.objects = new ObjectTable(layout, oidsPerType);
    this.log = new KernelLog(logOut, "jackal-log");
    this.terminal = new KernelLog(logOut, "jackal-terminal");
    this.errorLog = new KernelLog(errors, "jackal-errors");
    this.scheduler =
        new Scheduler(
            cpus, cpusPerNode, idleSpinNanos, sliceNanos, this::runProgram, errorLog::line);
    this.timer = new KernelTimer(scheduler);
    if (shipCalls) {
      scheduler.runShippedCalls(this::runShipped);
    }
    this.invocations = new Invocation[cpus];
    // As for the CPUs (Scheduler's constructor): one made and dropped first, so that what its
    // construction loads does not sit next to the first CPU's. The spacers keep each CPU's
    // invocation state (written on every call) off its neighbours' cache lines, here and after a
    // compacting collection, which keeps allocation order.
    new Invocation(this, scheduler.cpu(0));
    this.spacers = new long[cpus + 1][];
    for (int i = 0; i < cpus; i++) {
      spacers[i] = new long[Cpu.SPACER_LONGS];
      invocations[i] = new Invocation(this, scheduler.cpu(i));
    }
    spacers[cpus] = new long[Cpu.SPACER_LONGS];
    // Null, invalid capabilities, and types with no kernel interface here all answer as Null.
    java.util.Arrays.fill(handlers, new NullCap());
    handlers[CapType.ENDPOINT] = new EndpointCap();
    handlers[CapType.PROCESS] = new ProcessCap();
    handlers[CapType.DISCRIM] = new DiscrimCap();
    handlers[CapType.CAP_BITS] = new CapBitsCap();
    handlers[CapType.KERN_LOG] = new KernLogCap();
    handlers[CapType.RANGE] = new RangeCap();
    handlers[CapType.PAGE] = new PageCap();
    handlers[CapType.CAP_PAGE] = new CapPageCap();
    handlers[CapType.GPT] = new GptCap();
    handlers[CapType.WINDOW] = new WindowCap(CapType.WINDOW);
    handlers[CapType.LOCAL_WINDOW] = new WindowCap(CapType.LOCAL_WINDOW);
    handlers[CapType.APP_NOTICE] = new AppNoticeCap();
    handlers[CapType.SLEEP] = new SleepCap();
    handlers[CapType.SCHEDULE] = new ScheduleCap();
    handlers[CapType.SCHED_CTL] = new SchedCtlCap();
    handlers[CapType.SYS_CTL] = new SysCtlCap();
    handlers[CapType.CHECKPOINT] = new CheckpointCap();
    handlers[CapType.IRQ_CTL] = new IrqCtlCap();
    handlers[CapType.OB_STORE] = new ObStoreCap();
    handlers[CapType.PIN_CTL] = new PinCtlCap();
    handlers[CapType.IO_PRIV] = new IoPrivCap();
    handlers[CapType.CONSOLE] = new ConsoleCap();
  }

  /**
   * The memory epoch: advanced by every change that can alter a translation (a GPT's slots, l2v or
   * bg bit, a process's address-space slot while its gate lives, the rescind of anything but an
   * endpoint). Translation-cache entries filled under an older epoch are stale: one counter for the
   * whole machine keeps the check to a single load on the access path, and such changes are rare
   * next to accesses.
   */
  private volatile long memoryEpoch;

  private static final java.lang.invoke.VarHandle EPOCH;

  static {
    try {
      EPOCH =
          java.lang.invoke.MethodHandles.lookup()
              .findVarHandle(Machine.class, "memoryEpoch", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  public long memoryEpoch() {
    return memoryEpoch;
  }

  /** Invalidates every translation cache; call while holding the lock of what changes. */
  public void translationsChanged() {
    EPOCH.getAndAdd(this, 1L);
  }

  public OidLayout layout() {
    return objects.layout();
  }

  /** The kernel's clock: nanoseconds since the restart epoch (what Sleep counts in). */
  public long clock() {
    return timer.now();
  }

  /**
   * Sets the kernel's clock to continue from {@code nanos} (a checkpoint's clock at its cut), so
   * that time while the system was down does not count; before boot only.
   */
  public void resumeClock(long nanos) {
    timer.resumeFrom(nanos);
  }

  public KernelLog kernelLog() {
    return log;
  }

  Invocation invocationFor(Cpu cpu) {
    return invocations[cpu.id];
  }

  /**
   * Runs the call {@code p} shipped to {@code cpu} ({@link jackal.kernel.sched.ShippedCall}): its
   * trap's transaction, re-run after a contended lock, with the outcome left in {@link
   * Process#shipOutcome} for the trap. A call that waits keeps its locks for the dispatcher, as a
   * trap's does.
   */
  private boolean runShipped(Process p, ParameterBlock pb, Cpu cpu) {
    for (int attempts = 1; ; attempts++) {
      int outcome;
      try {
        outcome = SystemCall.executeShipped(invocationFor(cpu), p, pb);
      } catch (Restart r) {
        cpu.txn.releaseAll();
        cpu.restarts++;
        for (int spins = 1 << Math.min(attempts, 10); spins > 0; spins--) {
          Thread.onSpinWait();
        }
        continue;
      } catch (SystemCall.NotShipped n) {
        cpu.txn.releaseAll();
        p.shipOutcome = Process.SHIP_NOT_RUN;
        return false;
      } catch (RuntimeException | Error e) {
        cpu.txn.releaseAll();
        p.shipFailure = e;
        p.shipOutcome = Process.SHIP_FAILED;
        return false;
      }
      if (outcome == SystemCall.BLOCK && p.cont == null) {
        // Its stack was discarded while the call was on its way (destroyed, or setSpaceAndPC,
        // whose wake found it READY): it goes back to be dispatched, which drops a destroyed
        // process and starts a new program afresh.
        cpu.txn.releaseAll();
        p.shipOutcome = Process.SHIP_NOT_RUN;
        return false;
      }
      if (outcome == SystemCall.BLOCK) {
        p.waitsInCall = true; // under its lock, as its trap would write it
        p.shipOutcome = Process.SHIP_WAITS;
        return true;
      }
      cpu.txn.releaseAll();
      p.shipOutcome = Process.SHIP_DONE;
      return false;
    }
  }

  KernelCap handler(int capType) {
    return handlers[capType];
  }

  // ------------------------------------------------------------------ prepare

  /**
   * Prepares {@code c} for use: misc capabilities are always valid; an object capability locks its
   * object and is valid only if the counts match and, for an Entry capability to a payload-match
   * endpoint, the payloads match. An invalid capability comes back as Null, which is how it behaves
   * everywhere.
   */
  public Capability prepare(Transaction txn, Capability c) {
    if (!c.isObjectCap()) {
      return c;
    }
    KObject t = c.target;
    if (t == null) {
      return Capability.NULL;
    }
    txn.lock(t);
    if (t.allocCount != c.allocCount) {
      return Capability.NULL;
    }
    if (c.type == CapType.ENTRY) {
      Endpoint ep = (Endpoint) t;
      if (ep.pm && ep.protPayload != c.word1()) {
        return Capability.NULL;
      }
    }
    return c;
  }

  /**
   * Decides whether invoking {@code cap} is an IPC, and to whom (the reference's
   * cap_prepare_for_invocation). Returns the endpoint and sets {@code inv.invokee} when the
   * recipient is ready to receive this message. Returns null when {@code cap} is not a valid Entry
   * capability, or when the recipient is not ready; in the latter case, if {@code willingToBlock},
   * the invoker has joined the right stall queue and {@code inv.slept} is set.
   */
  Endpoint prepareForInvocation(
      Invocation inv, Capability cap, boolean willingToBlock, boolean selfOK) {
    Capability c = prepare(inv.txn, cap);
    if (c.type != CapType.ENTRY) {
      return null;
    }
    return prepareEndpointForInvocation(inv, (Endpoint) c.target, willingToBlock, selfOK);
  }

  /**
   * The rest of {@link #prepareForInvocation} once the Entry capability is known to be valid and
   * its endpoint {@code ep} is locked: is the recipient ready for this message?
   */
  Endpoint prepareEndpointForInvocation(
      Invocation inv, Endpoint ep, boolean willingToBlock, boolean selfOK) {
    Capability pcap = prepare(inv.txn, ep.recipient);
    if (pcap.type != CapType.PROCESS) {
      if (willingToBlock) {
        sleepOn(inv, ep.waiters());
      }
      return null;
    }
    Process p = (Process) pcap.target;
    boolean ready = (selfOK && p == inv.invoker) || p.runState == Process.RECEIVING;
    if (!ready) {
      // A receiver a checkpoint's cut woke out of its receive is receiving as far as the system
      // is concerned: even a non-blocking sender waits for it to receive again.
      if (willingToBlock || p.receiveSuspended) {
        sleepOn(inv, p.rcvWaitQ());
      }
      return null;
    }
    // The receive's words as the kernel saved them: the caller's at its trap, a waiting
    // receiver's when it started waiting; never the block its program holds.
    long picw = p == inv.invoker ? inv.icw : p.rcvIcw;
    long wantEpId = p == inv.invoker ? inv.in[ParameterBlock.EPID] : p.rcvEpId;
    if ((picw & Icw.CW) != 0 && wantEpId != ep.endpointID) {
      // A process cannot wait for itself: sleeping on its own queue would never end.
      if (willingToBlock && p != inv.invoker) {
        sleepOn(inv, p.rcvWaitQ());
      }
      return null;
    }
    inv.invokee = p;
    inv.invokeeEp = ep;
    return ep;
  }

  private static void sleepOn(Invocation inv, jackal.kernel.sched.StallQueue q) {
    if (inv.shipped && inv.invoker.shipStays) {
      // A caller waiting on its own CPU (Gate.shipAndStay) is ON_CPU there, so the wake that ends
      // a stall would find nothing to do: its trap runs the call at home and stalls the ordinary
      // way. Nothing is done yet (the stall queue is the call's first change).
      throw SystemCall.NotShipped.INSTANCE;
    }
    q.add(inv.invoker);
    inv.slept = true;
  }

  // ------------------------------------------------------------------ rescind

  /**
   * Rescinds {@code o} (already prepared, so locked): every capability to it becomes invalid, and
   * its content is cleared. The count goes up by one; when that would pass the layout's largest
   * count, the OID is retired instead and never used again. A process is also taken off whatever
   * queue it is on, its waiting senders are woken, and it is left faulted with no program. A reply
   * that was to go to the destroyed process, or through the destroyed endpoint, is dropped.
   */
  void rescind(Invocation inv, KObject o) {
    Transaction txn = inv.txn;
    jackal.kernel.sched.StallQueue stalledOn = null;
    if (o instanceof Process p && p.stalledOn != null) {
      stalledOn = p.stalledOn;
      txn.lock(stalledOn.owner);
    }
    txn.commit();
    if (!(o instanceof Endpoint)) {
      // An endpoint is on no translation's path (a walk passes GPTs, pages, capability pages and
      // windows), so destroying one leaves every cached translation true.
      translationsChanged();
    }
    if (o.allocCount >= layout().maxCount) {
      o.allocCount = KObject.RETIRED;
    } else {
      o.allocCount++;
    }
    if (o instanceof Process p) {
      if (stalledOn != null && p.stalledOn == stalledOn) {
        stalledOn.remove(p);
      }
      p.wakeSenders(scheduler, inv.cpu);
      if (p.poll != null) {
        p.poll.raise(PollWord.STOP); // a running program stops at its next check
      }
      if (p.sleepDeadline != 0) {
        timer.cancel(p); // a destroyed sleeper must not keep the system from going quiet
      }
      p.clearContent();
      p.runState = Process.FAULTED;
      if (p == inv.replyTarget()) {
        inv.suppressReply();
      }
    } else if (o instanceof Endpoint ep) {
      ep.wakeWaiters(scheduler, inv.cpu);
      ep.clearContent();
      if (ep == inv.invokeeEp) {
        inv.suppressReply(); // the reply would go through the endpoint just destroyed
      }
    } else {
      o.clearContent();
    }
  }

  // ------------------------------------------------------------------ programs

  /**
   * What a process's continuation runs: its program, loaded from the image at its PC (or the
   * trusted test code in {@link Process#program}). A program that returns ends the continuation and
   * the process is marked exited. A program that fails (an exception escapes it, its stack
   * overflows, its image is bad or refused) takes a program fault instead, logged with its trace;
   * once resumed with the fault cancelled, the program starts again from its entry with fresh
   * classes, since its Java stack is gone.
   */
  private void runProgram(Process p) {
    Gate gate = new Gate(this, p);
    for (; ; ) {
      int code = runOnce(gate, p);
      if (code == FaultCode.NO_FAULT) {
        return;
      }
      // The failed load's classes (and all their statics hold) are garbage from here: the poll
      // word was the kernel's last reference to them, and runOnce's frame, which held the program
      // and what it threw, is gone. A resume loads the program afresh.
      p.poll = null;
      p.loaded = null; // its class loader, and so its classes and their statics
      takeReserve();
      try {
        gate.programFault(
            code,
            code == FaultCode.BAD_PROGRAM_IMAGE || code == FaultCode.PROGRAM_REFUSED ? p.pc : 0);
      } catch (ProcessGone gone) {
        return;
      }
    }
  }

  /**
   * Loads and runs the program once. Returns the fault it failed with (logged), or NO_FAULT if it
   * ended or its process is gone. A method of its own so that nothing of the program stays on the
   * stack of the process while it waits faulted.
   */
  private int runOnce(Gate gate, Process p) {
    Throwable failure;
    try {
      gate.startup();
      ProgramEntry program = p.program;
      if (program == null) {
        // Loading binds the process's preemption word (the loader defines its Poll class).
        program =
            loader.load(
                p,
                new ProgramLoader.CodeAccess() {
                  @Override
                  public void pages(long[] ranges, Page[] out) {
                    gate.codePages(ranges, out);
                  }

                  @Override
                  public void translationsChanged() {
                    Machine.this.translationsChanged();
                  }
                },
                p.pc);
      }
      PollWord poll = p.poll;
      if (poll != null) {
        poll.attach(() -> gate.preempted(poll));
        if (p.captureRequest != null) {
          poll.raise(PollWord.ATTENTION); // asked before the program was loaded
        }
      }
      if (gate.discarded()) {
        return FaultCode.NO_FAULT; // destroyed while loading, before its poll word could be marked
      }
      runCapturable(p, program, gate);
      return FaultCode.NO_FAULT;
    } catch (ProcessGone gone) {
      return FaultCode.NO_FAULT;
    } catch (Throwable t) {
      failure = t;
    }
    PollWord poll = p.poll;
    if (poll != null && (poll.get() & PollWord.STOP) != 0) {
      // Destroyed: whatever ended the unwinding (a StackOverflowError in a handler).
      return FaultCode.NO_FAULT;
    }
    int code = ProgramFailures.faultCode(failure);
    if (failure instanceof OutOfMemoryError) {
      reserve = null; // the heap is full of what the program still holds: room for its account
    }
    try {
      String death = ProgramFailures.account(failure);
      p.death = death;
      log.line("process " + p + " died: " + death);
    } catch (OutOfMemoryError again) {
      // Another program took the room first: the fault stands, without its account.
      p.death = ProgramFailures.NO_ROOM_FOR_ACCOUNT;
    }
    return code;
  }

  /** Sets memory aside again after a program that ran the heap out is gone (best effort). */
  private void takeReserve() {
    if (reserve == null) {
      try {
        reserve = new byte[RESERVE_BYTES];
      } catch (OutOfMemoryError stillFull) {
        // Something else holds the heap: the next failure's account may go without its frames.
      }
    }
  }

  /**
   * Runs the program; when it unwinds for a capture of its state (docs/PERSISTENCE.md), the state
   * is encoded and the program re-entered at once from its frames in memory, so a capture does not
   * stop it.
   */
  private void runCapturable(Process p, ProgramEntry program, Gate gate) throws Exception {
    ProgramEntry next = program;
    for (; ; ) {
      try {
        next.run(gate);
        return;
      } catch (RuntimeException e) {
        if (!CaptureClasses.isUnwind(e) || p.loaded == null) {
          throw e;
        }
        next = programStates.captured(p, gate).next();
        if (p.heldForCut) {
          gate.waitForCut(); // a cut took the state: it stays exact until the cut is over
        }
      }
    }
  }

  /**
   * Wakes {@code p}, which waits in a system call it runs again from its start when woken, so that
   * it reaches the capture point where the call starts again (a checkpoint's cut asked for its
   * program state). It is taken off the stall queue it waits on and off the timer; a receiver stops
   * receiving, with {@link Process#receiveSuspended} set so that senders wait for it to receive
   * again rather than find it not ready. The caller holds {@code p}'s lock and, if {@code p} is
   * stalled, the lock of its queue's owner. False, doing nothing, if {@code p} is not such a waiter
   * (running, ready, faulted, or a message already delivered).
   */
  public boolean wakeToCapture(Process p) {
    if (p.sched != Process.IDLE
        || !p.waitsInCall
        || p.received
        || p.faultCode != 0
        || p.cont == null
        || p.exited) {
      return false;
    }
    if (p.stalledOn != null) {
      p.stalledOn.remove(p);
    }
    if (p.runState == Process.RECEIVING) {
      p.runState = Process.RUNNING;
      p.receiveSuspended = true;
    }
    if (p.sleepDeadline != 0) {
      timer.cancel(p);
    }
    scheduler.makeReady(p, false, null);
    return true;
  }

  /**
   * Waits until nothing will happen without outside help: every CPU idle with nothing to run, no
   * process asleep on a timer and none held by the heap guard, on two checks in a row. False if the
   * timeout passed first.
   */
  public boolean awaitQuiescent(long timeoutNanos) throws InterruptedException {
    long deadline = System.nanoTime() + timeoutNanos;
    int seen = 0;
    while (System.nanoTime() < deadline) {
      seen =
          scheduler.isQuiescent()
                  && !programState.busy() // a cut holds processes, or woke them
                  && !timer.hasSleepers()
                  && !heapGuardBusy()
                  && log.drained()
                  && terminal.drained()
                  && errorLog.drained()
              ? seen + 1
              : 0;
      if (seen >= 2) {
        return true;
      }
      Thread.sleep(1);
    }
    return false;
  }

  /** The bound on live memory, once started ({@link #startHeapGuard}). */
  private volatile HeapGuard heapGuard;

  /**
   * Starts the heap guard: from now on, when the live heap passes {@code percent} of the JVM's
   * largest heap, the confined process that allocated most since it was last under half that is
   * faulted with AllocationLimit (see {@link HeapGuard}). 100 or more leaves the guard off.
   */
  public void startHeapGuard(int percent) {
    HeapGuard g = new HeapGuard(this, percent);
    heapGuard = g;
    g.start();
  }

  private boolean heapGuardBusy() {
    HeapGuard g = heapGuard;
    return g != null && g.busy();
  }

  /** Processes the heap guard has taken so far. */
  public long heapGuardTaken() {
    HeapGuard g = heapGuard;
    return g == null ? 0 : g.taken();
  }

  /** Stops the CPUs, then lets the logs write what they hold. */
  public void stop() {
    HeapGuard g = heapGuard;
    if (g != null) {
      g.stop();
    }
    scheduler.stop();
    timer.stop();
    log.close();
    terminal.close();
    errorLog.close();
  }

  /** Makes a process that was set up at boot ready to run. */
  public void startProcess(Process p) {
    scheduler.place(p);
    scheduler.makeReady(p, false, null);
  }
}
