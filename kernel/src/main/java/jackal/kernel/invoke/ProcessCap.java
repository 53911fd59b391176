package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.PollWord;
import jackal.kernel.sched.Restart;
import jackal.kernel.sched.StallQueue;

/**
 * The Process interface: resume, fault state, the special slots, the capability registers, and
 * recognising Entry capabilities by brand. A RESTART-restricted capability permits only resume
 * (cancelling only memory faults) and getType.
 */
final class ProcessCap extends KernelCap {
  ProcessCap() {
    super(Codes.IKT_PROCESS);
  }

  @Override
  boolean dispatch(Invocation inv) {
    Process target = (Process) inv.iCap.target;
    int op = inv.opcode;
    boolean restartOnly = (inv.iCap.restr & Restr.RESTART) != 0;
    if (restartOnly && op != Codes.OC_PROCESS_RESUME) {
      inv.txn.commit();
      inv.error(Codes.RC_NO_ACCESS);
      return true;
    }
    if (op == Codes.OC_PROCESS_RESUME) {
      boolean cancel = inv.nextArg() != 0;
      if (!inv.requireArgs(0)) {
        return true;
      }
      if (restartOnly
          && cancel
          && (target.faultCode < FaultCode.INVALID_DATA_REFERENCE
              || target.faultCode > FaultCode.CAP_ACCESS_TYPE_ERROR)) {
        inv.txn.commit();
        inv.error(Codes.RC_NO_ACCESS);
        return true;
      }
      inv.txn.commit();
      if (cancel) {
        target.faultCode = 0;
        target.faultInfo = 0;
      }
      if (target.runState != Process.RUNNING) {
        target.runState = Process.RUNNING;
        inv.machine.scheduler.makeReady(target, false, inv.cpu);
        // The target no longer waits where the reply would reach it, so the reply is dropped. A
        // target that was running (a process resuming itself) still gets its reply.
        if (target == inv.replyTarget()) {
          inv.suppressReply();
        }
      }
    } else if (op == Codes.OC_PROCESS_SET_SPACE_AND_PC) {
      setSpaceAndPC(inv, target);
    } else if (op == Codes.OC_PROCESS_GET_STATE) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(target.faultCode);
        inv.result(target.faultInfo);
      }
    } else if (op == Codes.OC_PROCESS_SET_STATE) {
      // The fault code is an IDL byte (FC): only the low 8 bits of its word carry it.
      int fc = (int) (inv.nextArg() & 0xFF);
      long info = inv.nextArg();
      if (!inv.requireArgs(0)) {
        return true;
      }
      inv.txn.commit();
      if (fc == 0 && info != 0) {
        inv.error(Codes.RC_REQUEST_ERROR);
        return true;
      }
      target.faultCode = fc;
      target.faultInfo = info;
    } else if (op == Codes.OC_PROCESS_GET_SLOT) {
      long slot = inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        Capability c = slot(target, slot);
        if (c == null) {
          inv.error(Codes.RC_REQUEST_ERROR);
        } else {
          inv.resultCap(c);
        }
      }
    } else if (op == Codes.OC_PROCESS_SET_SLOT) {
      setSlot(inv, target);
    } else if (op == Codes.OC_PROCESS_GET_CAP_REG) {
      long r = inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        if (r < 0 || r >= 32) {
          inv.error(Codes.RC_REQUEST_ERROR);
        } else {
          inv.resultCap(target.capReg((int) r).pin());
        }
      }
    } else if (op == Codes.OC_PROCESS_SET_CAP_REG) {
      long r = inv.nextArg();
      if (inv.requireArgs(1)) {
        Capability c = inv.src[1];
        inv.txn.commit();
        if (r <= 0 || r >= 32) {
          inv.error(Codes.RC_REQUEST_ERROR);
        } else {
          target.setCapReg((int) r, c);
        }
      }
    } else if (op == Codes.OC_PROCESS_IDENTIFY_ENTRY_WITH_BRAND) {
      if (inv.requireArgs(2)) {
        identify(inv, target, inv.capArg(1), inv.capArg(2));
      }
    } else if (op == Codes.OC_PROCESS_IDENTIFY_ENTRY) {
      if (inv.requireArgs(1)) {
        identify(inv, target, inv.capArg(1), target.brand);
      }
    } else {
      return false;
    }
    return true;
  }

  /** How long a call holding a process's lock waits for that process to leave another CPU. */
  private static final long OFF_CPU_WAIT_NANOS = 1_000_000;

  /**
   * {@code target} runs on another CPU, and this call holds its lock: asks it to yield at its next
   * preemption check and waits a bounded time for it to leave. Its CPU does not mount a loaded
   * program whose lock another CPU holds ({@code Cpu.dispatch}), so once it has left, it stays off
   * until this call releases the lock. Without this, a program computing alone on its CPU is
   * mounted again within a microsecond of each slice's end, and a call that only re-runs would
   * almost never find it off. Trusted code, and a program still loading (no poll word yet), trap
   * soon by themselves: for them the call is re-run, as for any contended lock.
   */
  private static void awaitOffCpu(Process target) {
    PollWord poll = target.poll;
    if (poll == null) {
      throw Restart.CONTENDED;
    }
    poll.raise(PollWord.SLICE);
    long deadline = System.nanoTime() + OFF_CPU_WAIT_NANOS;
    for (int spins = 1; target.sched == Process.ON_CPU; spins++) {
      Thread.onSpinWait();
      if ((spins & 63) == 0 && System.nanoTime() - deadline > 0) {
        throw Restart.CONTENDED; // its CPU is descheduled, or it runs JDK code without checks
      }
    }
  }

  /**
   * setSpaceAndPC(newAS, newPC), atomically: the process gets the space and PC, loses its Java
   * stack (a call it was waiting in is abandoned: it leaves any stall queue or sleep), becomes
   * RUNNING, and loads its program from the new image when it next runs. Applied to the caller, the
   * call ends here with no receive phase and no reply: the caller's phases are finished and its
   * dispatcher starts it afresh. A target running its program on another CPU is treated as a held
   * lock (in Coyotos the CPU running a process holds its lock): the call waits for it to leave that
   * CPU, so the old program has run its last instruction when the call returns.
   */
  private static void setSpaceAndPC(Invocation inv, Process target) {
    long pc = inv.nextArg();
    if (!inv.requireArgs(1)) {
      return;
    }
    Capability space = inv.src[1];
    boolean self = target == inv.invoker();
    // The process whose trap runs the invoker in place on this CPU (Cpu.runDonatedInPlace) is
    // ON_CPU only in name: it waits for the invoker, and treating it as running would have the
    // invoker wait for itself. Its stack is discarded as the caller's own is.
    boolean host = !self && target == inv.cpu.host();
    if (!self && !host && target.sched == Process.ON_CPU) {
      awaitOffCpu(target);
    }
    StallQueue waitingOn = target.stalledOn;
    if (waitingOn != null) {
      inv.txn.lock(waitingOn.owner);
    }
    inv.txn.commit();
    target.addrSpace = space;
    target.pc = pc;
    target.program = null;
    target.cont = null;
    target.exited = false;
    target.sleepDeadline = 0; // a timer wake-up for the abandoned call finds nothing to wake
    // No translation cache goes stale: each belongs to one continuation's gate, and the target's
    // is discarded here (another process's target is off its CPU; the caller's own call ends
    // before its program runs again), so the new space is walked by a fresh gate.
    if (waitingOn != null && target.stalledOn == waitingOn) {
      waitingOn.remove(target);
    }
    target.runState = Process.RUNNING;
    if (self || host) {
      target.restartStack = true;
    } else {
      inv.machine.scheduler.makeReady(target, false, inv.cpu);
    }
    if (target == inv.replyTarget()) {
      inv.suppressReply();
    }
  }

  private static Capability slot(Process p, long slot) {
    return switch ((int) Math.max(-1, Math.min(slot, 99))) {
      case Codes.SLOT_HANDLER -> p.handler;
      case Codes.SLOT_ADDR_SPACE -> p.addrSpace;
      case Codes.SLOT_SCHEDULE -> p.schedule;
      case Codes.SLOT_IO_SPACE -> p.ioSpace;
      case Codes.SLOT_COHORT -> p.cohort;
      default -> null;
    };
  }

  private static void setSlot(Invocation inv, Process target) {
    long slot = inv.nextArg();
    if (!inv.requireArgs(1)) {
      return;
    }
    Capability c = inv.src[1];
    if (slot < 0 || slot > Codes.SLOT_COHORT) {
      inv.txn.commit();
      inv.error(Codes.RC_REQUEST_ERROR);
      return;
    }
    // A process waiting to deliver a fault to its old handler retries with the new one.
    StallQueue waitingOn = null;
    if (slot == Codes.SLOT_HANDLER
        && target.faultCode != 0
        && target.runState == Process.RUNNING
        && target.stalledOn != null) {
      waitingOn = target.stalledOn;
      inv.txn.lock(waitingOn.owner);
    }
    inv.txn.commit();
    switch ((int) slot) {
      case Codes.SLOT_HANDLER -> target.handler = c;
      case Codes.SLOT_ADDR_SPACE -> {
        target.addrSpace = c;
        inv.machine.translationsChanged();
      }
      case Codes.SLOT_SCHEDULE -> target.schedule = c;
      case Codes.SLOT_IO_SPACE -> target.ioSpace = c;
      default -> target.cohort = c;
    }
    if (waitingOn != null && target.stalledOn == waitingOn) {
      waitingOn.remove(target);
      inv.machine.scheduler.makeReady(target, false, inv.cpu);
    }
  }

  /**
   * identifyEntryWithBrand: true iff {@code ent} is a valid Entry capability (payload match
   * included) whose endpoint's recipient carries exactly {@code brand}. Out: pp, epID, isMe, then
   * the result, in the kernel's reply order.
   */
  private static void identify(Invocation inv, Process invoked, Capability ent, Capability brand) {
    long pp = 0;
    long epId = 0;
    boolean isMe = false;
    boolean result = false;
    if (ent.type == CapType.ENTRY) {
      Endpoint ep = (Endpoint) ent.target;
      Capability rcp = inv.machine.prepare(inv.txn, ep.recipient);
      if (rcp.type == CapType.PROCESS) {
        Process dest = (Process) rcp.target;
        if (dest.brand.equals(brand)) {
          result = true;
          isMe = dest == invoked;
          pp = ent.payload();
          epId = ep.endpointID;
        }
      }
    }
    inv.txn.commit();
    inv.result(pp);
    inv.result(epId);
    inv.result(isMe ? 1 : 0);
    inv.result(result ? 1 : 0);
  }
}
