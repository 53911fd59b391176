package jackal.kernel.invoke;

import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Restr;
import jackal.kernel.api.Syscall;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.Cpu;
import jackal.kernel.sched.PollWord;
import jackal.kernel.sched.ProgramContinuation;
import jackal.kernel.sched.Restart;
import jackal.kernel.trace.KernelEvents;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * A process's trap gate. Each trap runs the system call as a transaction; when the call must wait,
 * the process's continuation yields with its locks still held, the dispatcher releases them once
 * the process is off the CPU, and the call is re-run from the start when the process is woken (the
 * SP and RP bits say which phases are already done).
 */
final class Gate implements SystemCalls {
  private final Machine machine;
  private final Process process;

  /**
   * The continuation this gate serves. When the process's continuation is no longer this one (the
   * process was destroyed, or setSpaceAndPC discarded its Java stack), the program may not run
   * another instruction.
   */
  private final ProgramContinuation cont;

  private long seed;

  /**
   * The CPU this gate's program last trapped on, and that CPU's invocation state: a hint that
   * spares a trap the walk from the machine to the CPU ({@link #onCpu}), checked at every trap
   * exactly as the walk's result is. Written only after that check passed, so only by the program's
   * own thread; a stale value (the process moved to another CPU) fails the check and is replaced.
   */
  private Cpu lastCpu;

  private Invocation lastInvocation;

  // The translation cache: direct-mapped on the virtual page number. An entry is current only
  // while its epoch equals the machine's memory epoch, which every change to a GPT slot, l2v,
  // guard or address-space slot, and every rescind but an endpoint's, advances (setSpaceAndPC
  // does not: it discards the gate whose cache would go stale).
  private static final int TLB_SIZE = 64;
  private static final int PAGE_MASK = Page.SIZE - 1;
  //
  // A process that never reads or writes its memory through the gate (a server that only traps)
  // has no cache of its own: its arrays are the shared, never-written NO_* arrays, whose entries
  // match no address (no page number is -1), until its first fill allocates its own (1.4 KB a
  // process: at 10^6 processes, 1.4 GB). The lookup is unchanged.
  private static final long[] NO_VPN = minusOnes();
  private static final long[] NO_EPOCH = minusOnes();
  private static final byte[][] NO_BYTES = new byte[TLB_SIZE][];
  private static final boolean[] NO_WRITABLE = new boolean[TLB_SIZE];
  private long[] tlbVpn = NO_VPN;
  private long[] tlbEpoch = NO_EPOCH;
  private byte[][] tlbBytes = NO_BYTES;
  private boolean[] tlbWritable = NO_WRITABLE;

  private static final java.lang.invoke.VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final java.lang.invoke.VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  Gate(Machine machine, Process process) {
    this.machine = machine;
    this.process = process;
    // The continuation running this code, not process.cont read again: a destroy between the
    // dispatch that made the continuation and this line clears the field, and a gate bound to
    // null would take the cleared process for a live one (its first memory walk then faulted a
    // destroyed process with InvalidDataReference; StoreTest caught it once in a full run).
    ProgramContinuation running = ProgramContinuation.current();
    this.cont = running != null ? running : process.cont;
    this.seed = 0x9E3779B97F4A7C15L ^ process.oid;
  }

  private static long[] minusOnes() {
    long[] a = new long[TLB_SIZE];
    java.util.Arrays.fill(a, -1L);
    return a;
  }

  /**
   * The trap. The call runs as a transaction in {@link #attempt}, a frame that has returned before
   * the process waits, so the process yields from this frame alone (see "The shallow switch" in
   * docs/DESIGN-NOTES.md): its continuation freezes and thaws the program's frames, this one and
   * the yield's own, however much kernel code the call ran.
   */
  @Override
  public void trap(ParameterBlock pb) {
    // Issue 13: while a recording runs, the trap runs again inside KernelEvents as a JFR event.
    if (KernelEvents.COMPILED && KernelEvents.on() && process.traceCall == null) {
      KernelEvents.trap(this::trap, process, pb);
      return;
    }
    if (pb == null) {
      throw new NullPointerException("parameter block");
    }
    Process p = process;
    if (p.captureRequest != null) {
      machine.programStates.atCapturePoint(p); // nothing of the call is done yet
    }
    // A shipped call that waits for its reply on this CPU comes back as BLOCK, its lock held,
    // and waits below as a trap's call does; -1: the call is to run here from its start.
    int carried = -1;
    if (p.shipTo >= 0 && shipsTo(p, pb)) {
      carried = ship(p, pb);
      if (carried == SystemCall.DONE) {
        return;
      }
    }
    for (; ; ) {
      int outcome = carried >= 0 ? carried : attempt(pb);
      boolean ranHere = carried < 0;
      carried = -1;
      if (outcome == SystemCall.DONE) {
        return;
      }
      if (ranHere
          && outcome == SystemCall.BLOCK
          && (p.program != null || inPlaceForLoaded(p))
          && p.runState == Process.RECEIVING
          && p.stalledOn == null
          && p.faultCode == 0
          && lastCpu.runDonatedInPlace(p)) { // the CPU attempt() checked it is on
        // The process it called ran in place and has yielded (docs/DESIGN-NOTES.md, "The same-CPU
        // call runs its server in place"). Decided under this process's lock, since it is still
        // receiving and a sender on another CPU may deliver to it at any moment: a reply ends the
        // call; a receive still open waits the ordinary way, the lock held for the dispatcher;
        // anything else is found by running the call again, as a woken receiver does.
        afterWait(true);
        int after = afterInPlace();
        if (after == SystemCall.DONE) {
          return;
        }
        if (after != SystemCall.BLOCK) {
          if (p.captureRequest != null) {
            machine.programStates.atCapturePoint(p);
          }
          continue;
        }
      }
      // Waiting: the locks stay held until the dispatcher has this process off the CPU.
      p.afterYield = outcome == SystemCall.YIELD ? Process.AFTER_REQUEUE : Process.AFTER_BLOCK;
      // Under the process's lock (the call holds it until the process is off the CPU).
      p.waitsInCall = outcome == SystemCall.BLOCK;
      boolean yielded;
      try {
        yielded = cont.yieldUnlessPinned();
      } catch (StackOverflowError e) {
        p.waitsInCall = false;
        abandonWait(machine.scheduler.cpu(p.homeCpu)); // not yielded: still on its CPU
        throw e;
      }
      p.waitsInCall = false;
      if (!yielded || p.cont != cont || p.poll != null) {
        afterWait(yielded);
      }
      if (outcome == SystemCall.YIELD) {
        return;
      }
      if (p.received) {
        // A message or reply arrived while it waited: the call is complete (the sender wrote its
        // outputs), as for a Coyotos receiver. A fault taken since is delivered by a re-run.
        p.received = false;
        if (p.faultCode == 0) {
          return;
        }
      }
      if (p.captureRequest != null) {
        // The call runs again from its start, with nothing of it done (a receive's send phase is
        // done and cleared from the block): a capture point, as the call's entry is. A cut wakes
        // a waiting process to bring it here (docs/PERSISTENCE.md, section 3).
        machine.programStates.atCapturePoint(p);
      }
    }
  }

  /**
   * Whether this call is one to ship ({@link Process#shipTo}): a call (InvokeCap with send and
   * receive phases) through the capability location whose last call delivered to a recipient on a
   * CPU this process may not run on, from a caller that has no fault to deliver, could wait as a
   * server run in place may ({@link #inPlaceForLoaded}), and is not traced. Read from the program's
   * own block: only a hint, the call is checked in full where it runs.
   */
  private boolean shipsTo(Process p, ParameterBlock pb) {
    long icw = pb.w[ParameterBlock.ICW];
    return (icw & (Icw.NR_MASK | Icw.SP | Icw.RP)) == (Syscall.INVOKE_CAP | Icw.SP | Icw.RP)
        && pb.w[ParameterBlock.INVCAP] == p.shipLoc
        && p.faultCode == 0
        && (p.program != null || inPlaceForLoaded(p))
        && !(KernelEvents.COMPILED && KernelEvents.on());
  }

  /**
   * Ships this call to the CPU where its recipient runs (docs/DESIGN-NOTES.md, "A cross-CPU call
   * runs where its recipient is"), which runs the call's transaction there. When this CPU has
   * nothing else to run, the process waits for the call in its trap ({@link #shipAndStay});
   * otherwise, or when that CPU is busy, it leaves its CPU ({@link #shipAndYield}). Returns DONE
   * when the call is complete; BLOCK when it waits for its reply the ordinary way, this process's
   * lock held for the dispatcher; -1 when it is to run here from its start, as if never shipped.
   */
  private int ship(Process p, ParameterBlock pb) {
    Cpu here = onCpu();
    if (machine.staysShipped && here.hasNothingElse()) {
      int stayed = shipAndStay(p, pb, here);
      if (stayed != NOT_HANDED) {
        return stayed;
      }
    }
    return shipAndYield(p, pb) ? SystemCall.DONE : -1;
  }

  /** {@link #shipAndStay}: the recipient's CPU was busy; nothing was done. */
  private static final int NOT_HANDED = -2;

  /**
   * Hands the call to the recipient's CPU and waits for it here, on this CPU, which has nothing
   * else to run (docs/DESIGN-NOTES.md, "A caller with nothing else to run waits on its own CPU"):
   * the process stays ON_CPU, its wake is a flag rather than a dispatch, and its continuation is
   * neither frozen nor thawed. Returns DONE when the call is complete; BLOCK when it waits for its
   * reply the ordinary way, this process's lock held for the dispatcher; -1 when it is to run here
   * from its start; {@link #NOT_HANDED} when the recipient's CPU was not idle.
   */
  private int shipAndStay(Process p, ParameterBlock pb, Cpu here) {
    int to = p.shipTo;
    if (to < 0 || to >= machine.scheduler.cpuCount() || to == here.id) {
      return NOT_HANDED;
    }
    p.shipBlock = pb;
    p.noteShipWords(pb.w);
    p.shipStays = true;
    p.awaitsHere = true;
    if (!handOver(p, to, here)) {
      p.shipBlock = null;
      p.shipStays = false;
      p.awaitsHere = false;
      p.wokenHere = false;
      return NOT_HANDED;
    }
    here.noteShipStayed();
    // The call is that CPU's now: its outcome is awaited whatever else happens here, which is
    // one transaction's time (that CPU was idle and runs it next).
    while (!p.shipReturned) {
      if (machine.scheduler.isStopping()) {
        cont.yieldUnlessPinned(); // the kernel stops: this program never runs again
      }
      pause();
    }
    p.shipReturned = false;
    p.shipStays = false;
    p.waitsInCall = false;
    if (p.shipOutcome != Process.SHIP_WAITS) {
      p.awaitsHere = false;
      p.wokenHere = false;
    }
    switch (p.shipOutcome) {
      case Process.SHIP_DONE -> {
        return SystemCall.DONE;
      }
      case Process.SHIP_WAITS -> {
        // Delivered, and receiving (a call that would stall comes back not run: see
        // Machine.sleepOn): the reply's wake, deferred to the release of the transaction that
        // makes it, sets wokenHere instead of queueing this process (Scheduler.makeReady).
        awaitReply(here, machine.scheduler.cpu(to));
        p.awaitsHere = false;
        p.wokenHere = false;
        int after = afterInPlace();
        if (after == SystemCall.DONE || after == SystemCall.BLOCK) {
          return after;
        }
        return -1;
      }
      case Process.SHIP_FAILED -> {
        Throwable t = p.shipFailure;
        p.shipFailure = null;
        throw new IllegalStateException("kernel error in system call of " + p, t);
      }
      default -> {
        return -1;
      }
    }
  }

  /**
   * Hands the call to CPU {@code to} if it is idle, or becomes so within {@link #HANDOVER_LOOKS}
   * looks: in a run of calls its recipient's CPU is often still finishing the last reply (the
   * server's switch, its way into its idle loop) when the next call comes.
   */
  private boolean handOver(Process p, int to, Cpu here) {
    for (int looks = 0; ; looks++) {
      if (machine.scheduler.handShippedCall(p, to)) {
        return true;
      }
      if (looks == HANDOVER_LOOKS || !here.hasNothingElse()) {
        return false;
      }
      pause();
    }
  }

  /**
   * About 900 ns. With none, one call in twenty of a cross-CPU ping-pong found the recipient's CPU
   * not idle yet and left its own CPU; with four, one in ten thousand (docs/BENCHMARKS.md,
   * "Thirteenth session").
   */
  private static final int HANDOVER_LOOKS = 4;

  /**
   * Spins until the reply's wake has come ({@link Process#wokenHere}, set once the replying
   * transaction has released its locks, so that the next call cannot meet them), as an idle CPU
   * spins for work, and only while this CPU has nothing else to run. It gives up when the
   * recipient's CPU has been idle for the scheduler's spin budget (nobody works on the reply then):
   * a caller that gives up locks itself and leaves its CPU, and a reply still on its way would meet
   * that lock. Whatever it finds, {@link #afterInPlace} decides what comes next.
   */
  private void awaitReply(Cpu here, Cpu there) {
    Process p = process;
    long idleSince = 0;
    for (int spins = 0; ; spins++) {
      if (p.wokenHere) {
        return;
      }
      if ((spins & 7) == 7) {
        if (!here.hasNothingElse() || machine.scheduler.isStopping()) {
          return;
        }
        if (!there.isIdle()) {
          idleSince = 0; // that CPU works, perhaps on the reply
        } else {
          long now = System.nanoTime();
          if (idleSince == 0) {
            idleSince = now;
          } else if (now - idleSince >= machine.scheduler.spinNanos()) {
            return;
          }
        }
      }
      pause();
    }
  }

  /**
   * Waits between two looks at a line the other CPU is writing: each look takes the line back from
   * it, so a look at every spin would make the other CPU's transaction fetch the line again after
   * each of its stores.
   */
  private static void pause() {
    for (int i = 0; i < POLL_PAUSES; i++) {
      Thread.onSpinWait();
    }
  }

  /**
   * About 200 ns where it was measured (a pause took 13.5 ns): of 4, 8, 16 and 32 pauses between
   * looks, 16 gave the fastest cross-CPU call (docs/BENCHMARKS.md, "Thirteenth session").
   */
  private static final int POLL_PAUSES = 16;

  /**
   * Ships the call with this process off its CPU: it yields before any of the call has run, holding
   * no lock, and its dispatcher hands it to the recipient's CPU (or runs the call itself, if that
   * CPU is busy). True when the call is complete on return (it was delivered and the reply has
   * come, or it needed no wait); false when it is to be run here from its start: nothing of it was
   * done, or it waited for a recipient that was not receiving and has been woken to try again.
   */
  private boolean shipAndYield(Process p, ParameterBlock pb) {
    p.shipBlock = pb;
    p.noteShipWords(pb.w);
    p.afterYield = Process.AFTER_SHIP;
    boolean yielded;
    try {
      yielded = cont.yieldUnlessPinned();
    } catch (StackOverflowError e) {
      yielded = false; // nothing was frozen: the call runs here, where a wait overflows again
    }
    if (!yielded) {
      p.shipBlock = null;
      p.afterYield = Process.AFTER_BLOCK;
      return false;
    }
    p.waitsInCall = false;
    afterWait(true);
    switch (p.shipOutcome) {
      case Process.SHIP_DONE -> {
        return true;
      }
      case Process.SHIP_WAITS -> {
        if (p.received) {
          // The message was delivered and the reply has come, as for a trap that waited.
          p.received = false;
          return p.faultCode == 0;
        }
        return false;
      }
      case Process.SHIP_FAILED -> {
        Throwable t = p.shipFailure;
        p.shipFailure = null;
        throw new IllegalStateException("kernel error in system call of " + p, t);
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * Whether a loaded program's call may run its server in place: not from inside a class
   * initializer (the loader counts them in the poll word), and not on a kernel that makes programs
   * capturable, where a cut during such runs was found to time out (docs/DESIGN-NOTES.md, "Captures
   * and cuts").
   */
  private boolean inPlaceForLoaded(Process p) {
    PollWord poll = p.poll;
    return !machine.captures && poll != null && poll.initDepth() == 0;
  }

  /**
   * What a caller does once the process it ran in place has yielded, decided holding its own lock:
   * DONE (a message or reply was delivered: the call is complete), BLOCK (still receiving: it waits
   * the ordinary way, this lock held for the dispatcher to release once it is off the CPU), or
   * YIELD, meaning here that the call is to run again (a delivery with a fault taken since, or a
   * change that ended the receive).
   */
  private int afterInPlace() {
    Process p = process;
    if ((boolean) SystemCall.RECEIVED.getAcquire(p)) {
      // The common case, decided without taking the lock again: the reply was delivered (by the
      // server run in place, on this thread, or by a sender on another CPU, whose release store
      // of the flag this acquire load pairs with, so the words it wrote are seen). A delivery
      // made this process RUNNING under its lock, so no other sender writes to it or to the
      // flag any more, and the flag is cleared here as the locked path would. A fault taken
      // since, or one being taken now by another CPU, is delivered at the next trap, which reads
      // faultCode under the lock: the same as a fault that arrives just after the call returns.
      p.received = false;
      return p.faultCode == 0 ? SystemCall.DONE : SystemCall.YIELD;
    }
    for (int attempts = 1; ; attempts++) {
      Cpu cpu = onCpu();
      try {
        cpu.txn.lock(p);
        cpu.txn.commit();
      } catch (Restart r) {
        cpu.txn.releaseAll();
        cpu.restarts++;
        backoff(attempts);
        continue;
      }
      if (p.received) {
        p.received = false;
        cpu.txn.releaseAll();
        return p.faultCode == 0 ? SystemCall.DONE : SystemCall.YIELD;
      }
      if (p.runState == Process.RECEIVING
          && p.stalledOn == null
          && p.faultCode == 0
          && p.cont == cont) {
        if (p.captureRequest != null) {
          // A cut asked for this program's state while it hosted the run, and took it for a
          // running process, which reaches a capture point by itself: so it must, rather than
          // wait (the server may be held for the same cut). As Machine.wakeToCapture does for a
          // waiting receiver: the receive is suspended and the call runs again from its start.
          p.runState = Process.RUNNING;
          p.receiveSuspended = true;
          cpu.txn.releaseAll();
          return SystemCall.YIELD;
        }
        return SystemCall.BLOCK;
      }
      cpu.txn.releaseAll();
      return SystemCall.YIELD;
    }
  }

  /**
   * Waits off the CPU, its program unwound for a checkpoint's cut, until the cut releases it
   * ({@link Process#heldForCut} cleared); the program is then re-entered from its frames. Nothing
   * else can wake it meanwhile: it is on no queue, asleep on no timer and not receiving.
   */
  void waitForCut() {
    Process p = process;
    for (int attempts = 1; ; attempts++) {
      Cpu cpu = onCpu();
      try {
        cpu.txn.lock(p);
        cpu.txn.commit();
      } catch (Restart r) {
        cpu.txn.releaseAll();
        cpu.restarts++;
        backoff(attempts);
        continue;
      }
      if (!p.heldForCut || p.cont != cont) {
        cpu.txn.releaseAll();
        if (p.cont != cont) {
          throw ProcessGone.INSTANCE;
        }
        return;
      }
      // The lock stays held until the dispatcher has this process off the CPU: the cut's release
      // takes it before it clears heldForCut and makes the process ready.
      p.afterYield = Process.AFTER_BLOCK;
      waitOffCpu(cpu);
    }
  }

  /**
   * Runs the call as a transaction until it is done or must wait (DONE, BLOCK or YIELD); a
   * contended lock abandons the attempt and runs it again after a random backoff. On DONE every
   * lock is released; otherwise the locks stay held for the dispatcher to release.
   */
  private int attempt(ParameterBlock pb) {
    Process p = process;
    int attempts = 0;
    for (; ; ) {
      Cpu cpu = onCpu();
      Invocation inv = lastInvocation; // onCpu() noted the CPU it returned, and this with it
      int outcome;
      try {
        outcome = SystemCall.execute(inv, p, pb);
      } catch (Restart r) {
        cpu.txn.releaseAll();
        cpu.restarts++;
        backoff(++attempts);
        continue;
      } catch (StackOverflowError e) {
        // The program's stack ran out inside the kernel's path: it takes StackOverflow, and no
        // lock stays held.
        cpu.txn.releaseAll();
        throw e;
      } catch (RuntimeException | Error e) {
        cpu.txn.releaseAll();
        throw new IllegalStateException("kernel error in system call of " + p, e);
      }
      if (outcome == SystemCall.DONE) {
        cpu.txn.releaseAll();
        if (p.cont != cont) {
          throw ProcessGone.INSTANCE; // the call discarded this program's stack (setSpaceAndPC)
        }
      }
      return outcome;
    }
  }

  // ------------------------------------------------------------------ memory

  @Override
  public byte loadByte(long addr) {
    return page(addr, false)[(int) addr & PAGE_MASK];
  }

  @Override
  public void storeByte(long addr, byte value) {
    page(addr, true)[(int) addr & PAGE_MASK] = value;
  }

  @Override
  public int loadInt(long addr) {
    if ((addr & 3) != 0) {
      misaligned(addr);
    }
    return (int) INTS.get(page(addr, false), (int) addr & PAGE_MASK);
  }

  @Override
  public void storeInt(long addr, int value) {
    if ((addr & 3) != 0) {
      misaligned(addr);
    }
    INTS.set(page(addr, true), (int) addr & PAGE_MASK, value);
  }

  @Override
  public long loadLong(long addr) {
    if ((addr & 7) != 0) {
      misaligned(addr);
    }
    return (long) LONGS.get(page(addr, false), (int) addr & PAGE_MASK);
  }

  @Override
  public void storeLong(long addr, long value) {
    if ((addr & 7) != 0) {
      misaligned(addr);
    }
    LONGS.set(page(addr, true), (int) addr & PAGE_MASK, value);
  }

  @Override
  public void read(long addr, byte[] dst, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, dst.length);
    int done = 0;
    while (done < len) {
      long a = addr + done;
      int po = (int) a & PAGE_MASK;
      int n = Math.min(len - done, Page.SIZE - po);
      System.arraycopy(page(a, false), po, dst, off + done, n);
      done += n;
    }
  }

  @Override
  public void write(long addr, byte[] src, int off, int len) {
    java.util.Objects.checkFromIndexSize(off, len, src.length);
    int done = 0;
    while (done < len) {
      long a = addr + done;
      int po = (int) a & PAGE_MASK;
      int n = Math.min(len - done, Page.SIZE - po);
      System.arraycopy(src, off + done, page(a, true), po, n);
      done += n;
    }
  }

  /**
   * The bytes of the data page holding {@code addr}, from the translation cache when it has a
   * current entry (one filled since the last change to any translation: see {@link
   * Machine#memoryEpoch}), else by a walk of the address space.
   */
  private byte[] page(long addr, boolean forWrite) {
    long vpn = addr >>> Page.SIZE_BITS;
    int i = (int) vpn & (TLB_SIZE - 1);
    if (tlbVpn[i] == vpn && tlbEpoch[i] == machine.memoryEpoch() && (!forWrite || tlbWritable[i])) {
      return tlbBytes[i];
    }
    return fill(addr, forWrite, i);
  }

  /**
   * Walks the address space for {@code addr} as one transaction and caches the result. A fault
   * stops the process, or (while its memory handler is busy) leaves it waiting for that handler
   * with nothing recorded; either way it walks again when it next runs.
   */
  private byte[] fill(long addr, boolean forWrite, int slot) {
    if (tlbVpn == NO_VPN) {
      tlbVpn = minusOnes();
      tlbEpoch = minusOnes();
      tlbBytes = new byte[TLB_SIZE][];
      tlbWritable = new boolean[TLB_SIZE];
    }
    transact(
        inv -> {
          long epoch = machine.memoryEpoch(); // read before the walk: a change after it wins
          MemWalk w = inv.walk;
          int fc = w.walk(machine, inv.txn, process.addrSpace, addr, forWrite, false);
          if (fc != 0) {
            return Faults.take(inv, process, fc, addr);
          }
          inv.txn.commit();
          tlbVpn[slot] = addr >>> Page.SIZE_BITS;
          tlbBytes[slot] = ((Page) w.leaf).bytes;
          tlbWritable[slot] = (w.restr & (Restr.READ_ONLY | Restr.WEAK)) == 0;
          if (tlbWritable[slot]) {
            // Stores may go through this entry without walking, however it was filled: count
            // them now (the loader recognises an image by its pages' write counts).
            ((Page) w.leaf).noteWrite();
          }
          tlbEpoch[slot] = epoch;
          return SystemCall.DONE;
        },
        "memory access");
    return tlbBytes[slot];
  }

  /**
   * A misaligned word access: the process takes MisalignedReference. Like a faulting instruction,
   * the access is re-executed when the process is resumed, and faults again.
   */
  private void misaligned(long addr) {
    transact(inv -> Faults.take(inv, process, FaultCode.MISALIGNED_REFERENCE, addr), "access");
  }

  /** One attempt of a transaction on behalf of this process: DONE, or BLOCK to wait. */
  @FunctionalInterface
  private interface Attempt {
    int run(Invocation inv);
  }

  /**
   * Runs {@code attempt} as a transaction holding this process's lock, as a trap does: a pending
   * fault is delivered first, a contended lock re-runs it, and after every wait the process re-runs
   * it until it is DONE.
   */
  private void transact(Attempt attempt, String what) {
    Process p = process;
    int attempts = 0;
    for (; ; ) {
      Cpu cpu = onCpu();
      Invocation inv = lastInvocation; // onCpu() noted the CPU it returned, and this with it
      int outcome;
      try {
        cpu.txn.lock(p);
        if (p.cont != cont) {
          outcome = SystemCall.BLOCK;
        } else if (p.faultCode != 0) {
          outcome = Faults.deliver(inv, p);
        } else {
          outcome = attempt.run(inv);
        }
      } catch (Restart r) {
        cpu.txn.releaseAll();
        cpu.restarts++;
        backoff(++attempts);
        continue;
      } catch (StackOverflowError e) {
        cpu.txn.releaseAll();
        throw e;
      } catch (RuntimeException | Error e) {
        cpu.txn.releaseAll();
        throw new IllegalStateException("kernel error in " + what + " of " + p, e);
      }
      if (outcome == SystemCall.DONE) {
        cpu.txn.releaseAll();
        return;
      }
      // Waiting: the locks stay held until the dispatcher has this process off the CPU.
      p.afterYield = Process.AFTER_BLOCK;
      waitOffCpu(cpu);
      if (p.cont != cont) {
        throw ProcessGone.INSTANCE;
      }
    }
  }

  private static final String PINNED =
      "a program called the kernel while JDK code holding a monitor, or a class initializer, was"
          + " on its stack: the process could not wait";

  /**
   * Yields with this process's locks held, for the dispatcher to release once the process is off
   * the CPU. The yield can fail after the call decided to wait: a pinned continuation (a class
   * initializer, or JDK code holding a monitor, between the program's entry and this call) does not
   * yield, and freezing a deep stack can overflow the native stack (HotSpot's slow freeze recurses
   * once per frame) with nothing frozen. Either way the wait is abandoned while every lock the call
   * took is still held (see {@link #abandonWait}), and the program gets the failure: a
   * StackOverflowError (escaping, StackOverflow) or an IllegalStateException (escaping,
   * ProgramException). {@code Continuation.isPinned} cannot decide pinning before the call: on this
   * JDK it reports every continuation pinned.
   */
  private void waitOffCpu(Cpu cpu) {
    boolean yielded;
    try {
      yielded = cont.yieldUnlessPinned();
    } catch (StackOverflowError e) {
      abandonWait(cpu);
      throw e;
    }
    afterWait(yielded);
  }

  /**
   * What follows a wait's yield when it is not the plain case: a yield that did not happen (pinned)
   * abandons the wait, a process whose stack was discarded while it waited unwinds, and one the
   * heap guard took while it waited leaves what it waited in.
   */
  private void afterWait(boolean yielded) {
    if (!yielded) {
      abandonWait(machine.scheduler.cpu(process.homeCpu)); // not yielded: still on its CPU
      throw new IllegalStateException(PINNED);
    }
    if (process.cont != cont) {
      throw ProcessGone.INSTANCE;
    }
    PollWord poll = process.poll;
    if (poll != null
        && process.cont == cont
        && (poll.get() & (PollWord.LIMIT | PollWord.STOP)) == PollWord.LIMIT) {
      leaveWaitOverLimit(poll);
    }
  }

  /**
   * The heap guard took this process while it waited (and woke it): it leaves what it waited in, as
   * {@link #abandonWait} does but in a transaction of its own (the locks of the wait are gone), and
   * unwinds with the AllocationLimit error, which every later check throws again. A receive is
   * undone under the process's lock, so no sender can deliver into a program that is unwinding; a
   * message delivered before that lock was taken is the program's, and it goes with it.
   */
  private void leaveWaitOverLimit(PollWord poll) {
    Process p = process;
    for (int attempts = 1; ; attempts++) {
      Cpu cpu = onCpu();
      try {
        cpu.txn.lock(p);
        jackal.kernel.sched.StallQueue q = p.stalledOn;
        if (q != null) {
          cpu.txn.lock(q.owner);
        }
        cpu.txn.commit();
        if (q != null && p.stalledOn == q) {
          q.remove(p);
        }
        if (p.runState == Process.RECEIVING) {
          p.runState = Process.RUNNING;
        }
        if (p.sleepDeadline != 0) {
          machine.timer.cancel(p);
        }
        cpu.txn.releaseAll();
        break;
      } catch (Restart r) {
        cpu.txn.releaseAll();
        cpu.restarts++;
        backoff(attempts);
      }
    }
    throw poll.limitError();
  }

  /**
   * Takes the process back out of what its call made it wait on, then releases its locks: off a
   * stall queue (its owner is still locked: the call slept on it under that lock), and out of a
   * receive (no sender can have seen it: the process's own lock is still held). A fault the call
   * took stays taken; the program's unwinding ends in runProgram, which delivers it.
   */
  private void abandonWait(Cpu cpu) {
    Process p = process;
    if (p.stalledOn != null) {
      p.stalledOn.remove(p);
    }
    if (p.runState == Process.RECEIVING) {
      p.runState = Process.RUNNING;
    }
    p.afterYield = Process.AFTER_BLOCK;
    cpu.txn.releaseAll();
  }

  // ------------------------------------------------------------------ preemption

  /**
   * The slow path of a confined program's preemption check, run when its poll word is not zero. A
   * destroyed process unwinds (and every later check unwinds it again: STOP is never cleared); a
   * pending fault is delivered, and the program waits until it is resumed; an expired slice yields
   * to the back of the CPU's queue, as Yield does.
   */
  void preempted(PollWord word) {
    Process p = process;
    int bits = word.clear(PollWord.SLICE | PollWord.ATTENTION);
    if ((bits & PollWord.STOP) != 0 || p.cont != cont) {
      throw ProcessGone.INSTANCE;
    }
    if (p.captureRequest != null) {
      machine.programStates.atCapturePoint(p);
    }
    if (p.faultCode != 0) {
      // Runs nothing but the fault delivery: a process with a fault code runs no instructions.
      transact(
          inv -> {
            inv.txn.commit();
            return SystemCall.DONE;
          },
          "preemption check");
    }
    holdForHeapGuard(word);
    if ((bits & PollWord.SLICE) != 0) {
      onCpu();
      p.afterYield = Process.AFTER_REQUEUE;
      if (!cont.yieldUnlessPinned()) {
        // JDK code holding a monitor called back into the program: it runs on until unpinned.
        p.afterYield = Process.AFTER_BLOCK;
        return;
      }
      if (p.cont != cont) {
        throw ProcessGone.INSTANCE; // destroyed, or its stack discarded, while it waited
      }
    }
  }

  /**
   * Waits off the CPU while the heap guard holds this process (it stops every program that
   * allocated while it decides whom to fault: a held program cannot fill the heap meanwhile). The
   * guard clears HOLD and wakes it; a wake that finds HOLD still set (the guard wakes until it sees
   * {@link Process#held} cleared) waits again. A program the guard chose unwinds here.
   */
  private void holdForHeapGuard(PollWord word) {
    Process p = process;
    if ((word.get() & PollWord.HOLD) == 0) {
      return;
    }
    p.held = true;
    try {
      while ((word.get() & PollWord.HOLD) != 0) {
        onCpu();
        p.afterYield = Process.AFTER_BLOCK; // on no queue: only the guard makes it ready
        if (!cont.yieldUnlessPinned()) {
          return; // JDK code holding a monitor called back into the program: it runs on
        }
        if (p.cont != cont) {
          throw ProcessGone.INSTANCE;
        }
      }
    } finally {
      p.held = false;
    }
    int w = word.get();
    if ((w & (PollWord.LIMIT | PollWord.STOP)) == PollWord.LIMIT) {
      throw word.limitError();
    }
  }

  // ------------------------------------------------------------------ programs (issue 8: loader)

  /**
   * The pages holding the byte ranges {@code ranges} (pairs of address and length) of the process's
   * space, in order, into {@code out}, all found in one transaction through paths that must allow
   * execution. A fault (NoExecute through an NX capability, InvalidDataReference for an unmapped
   * address, ...) stops the process as for any access, and the walk starts again once the process
   * is resumed. Nothing is copied here: the loader reads the pages' bytes itself, or compares the
   * pages with those of an image it verified.
   */
  void codePages(long[] ranges, Page[] out) {
    transact(
        inv -> {
          MemWalk w = inv.walk;
          int k = 0;
          for (int r = 0; r < ranges.length; r += 2) {
            long addr = ranges[r];
            long last = (addr + ranges[r + 1] - 1) >>> Page.SIZE_BITS;
            for (long vpn = addr >>> Page.SIZE_BITS; vpn <= last; vpn++) {
              long a = vpn == addr >>> Page.SIZE_BITS ? addr : vpn << Page.SIZE_BITS;
              int fc = w.walk(machine, inv.txn, process.addrSpace, a, false, false);
              if (fc == 0 && (w.restr & Restr.NO_EXECUTE) != 0) {
                fc = FaultCode.NO_EXECUTE;
              }
              if (fc != 0) {
                return Faults.take(inv, process, fc, a);
              }
              out[k++] = (Page) w.leaf;
            }
          }
          inv.txn.commit();
          return SystemCall.DONE;
        },
        "code fetch");
  }

  /**
   * Takes a program fault ({@code code}, {@code info}) and waits until the process is resumed with
   * the fault cancelled; a resume that leaves the fault delivers it again, as for any fault.
   */
  void programFault(int code, long info) {
    boolean[] taken = {false};
    transact(
        inv -> {
          if (taken[0]) {
            return SystemCall.DONE; // resumed with the fault cancelled
          }
          taken[0] = true; // Faults.take records the fault before anything can restart
          return Faults.take(inv, process, code, info);
        },
        "program fault");
  }

  /** True once the process's Java stack was discarded (destroyed, or setSpaceAndPC). */
  boolean discarded() {
    return process.cont != cont;
  }

  /** Clears the Startup fault a process is created with; the program then starts at its entry. */
  void startup() {
    for (int attempts = 1; ; attempts++) {
      Cpu cpu = onCpu();
      try {
        cpu.txn.lock(process);
        if (process.faultCode == FaultCode.STARTUP) {
          process.pc = process.faultInfo; // as Coyotos: the Startup fault carries the PC
          process.faultCode = 0;
          process.faultInfo = 0;
        }
        cpu.txn.releaseAll();
        return;
      } catch (Restart r) {
        cpu.txn.releaseAll();
        backoff(attempts);
      }
    }
  }

  /**
   * The CPU this process runs on, if the caller is this process's own program: its continuation,
   * mounted on that CPU's thread. Anything else (a Java thread the program started, another
   * process's program holding this gate) is refused here, before any kernel work and without
   * touching a lock: a foreign thread would otherwise run a transaction on the CPU's {@link
   * jackal.kernel.sched.Transaction} while the CPU's own thread uses it.
   *
   * <p>The fast test compares {@link Thread#currentThread()} with the CPU's thread. C2 may keep a
   * current thread read before a yield in a compiled frame that spans it, and a continuation may
   * resume on another CPU's thread, so a stale value can make the fast test fail for the honest
   * caller (never pass for a foreign one: a foreign thread's own frames only ever see itself). A
   * failed fast test therefore reads the thread again through {@link #currentThread}, a call C2
   * cannot inline, and only that answer refuses.
   */
  private Cpu onCpu() {
    Cpu cpu = lastCpu;
    if (cpu != null && cpu.current() == process && Thread.currentThread() == cpu.thread()) {
      return cpu; // the CPU it trapped on last, checked as below (a stale thread fails here)
    }
    return onCpuFound();
  }

  /**
   * {@link #onCpu} through the machine: the process's home CPU, checked, and noted for next time.
   */
  private Cpu onCpuFound() {
    Cpu cpu = machine.scheduler.cpu(process.homeCpu);
    if (cpu.current() != process
        || (Thread.currentThread() != cpu.thread() && freshThread() != cpu.thread())) {
      throw new IllegalStateException(
          "the gate of " + process + " was used outside that process's own program");
    }
    lastInvocation = machine.invocationFor(cpu);
    lastCpu = cpu;
    return cpu;
  }

  /**
   * Reads the current thread through a method handle held in a non-final field: C2 cannot inline a
   * call through a handle it does not know to be constant, so the read happens in a frame of its
   * own that spans no yield.
   */
  @SuppressWarnings("NonFinalStaticField")
  private static MethodHandle currentThread = currentThreadHandle();

  private static MethodHandle currentThreadHandle() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(Thread.class, "currentThread", MethodType.methodType(Thread.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static Thread freshThread() {
    try {
      return (Thread) currentThread.invokeExact();
    } catch (Throwable t) {
      throw new IllegalStateException("cannot read the current thread", t);
    }
  }

  /** Randomised exponential spin after a contended lock; no thread-locals (see onCpu). */
  private void backoff(int attempts) {
    long x = seed;
    x ^= x << 13;
    x ^= x >>> 7;
    x ^= x << 17;
    seed = x;
    int spins = (int) ((x >>> 1) % (1L << Math.min(attempts, 10)));
    for (int i = 0; i < spins; i++) {
      Thread.onSpinWait();
    }
  }
}
