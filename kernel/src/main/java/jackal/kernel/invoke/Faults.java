package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.Process;
import jackal.kernel.trace.KernelEvents;

/**
 * Process faults: when a fault is recorded, and who is told. A process whose fault code is not zero
 * runs nothing until it is resumed. Nothing here changes any state before the commit point.
 *
 * <p><b>A memory fault is offered to a memory handler once, when it is taken</b> ({@link #take} for
 * the running process, {@link #offerToMemoryHandler} also for a receiver that a sender's message
 * faulted). The handler is the one of the deepest GPT with {@code ha} on the faulting path ({@link
 * MemWalk#handlerGpt}); it gets a oneway {@code MemoryHandler.handle(Process, FC, address)} through
 * that GPT's slot-15 Entry capability, carrying a RESTART capability to the faulter and a full
 * capability to the GPT, with the address relative to that GPT. Only once this upcall is delivered
 * does the faulter record the fault (with the full address) and become FAULTED. While the handler
 * is not ready to receive, the faulter records nothing ({@code getState} reads 0, 0): it waits on
 * the handler's rcvWaitQ and, when woken, re-runs its access or system call, which either finds the
 * space repaired or faults and offers again.
 *
 * <p><b>Everything else goes to the process handler</b>: a fault that is not a memory fault, a
 * memory fault with no memory handler (none on the path, or slot 15 not a valid Entry capability),
 * and a <em>pending</em> fault ({@link #deliver}), that is, a process that runs again with its
 * fault still set because a handler resumed it without cancelling. The memory handler had its one
 * offer; it is not asked again. These faults are recorded at once, then sent as a oneway {@code
 * ProcessHandler.handle(Process, FC, faultInfo)} to the Entry capability in the process's handler
 * slot, with a full-strength process capability. If that handler is not receiving, the faulter
 * waits for it with the fault recorded (re-reading the slot each time); with no valid handler it
 * stays faulted, and the console says so ("faults with no keeper").
 *
 * <p>In both upcalls slot 0 (the reply slot) is Null, and the handler runs next on the invoker's
 * slice.
 */
final class Faults {
  private Faults() {}

  /** {@link #offerToMemoryHandler}: nothing done, no memory handler takes this fault. */
  static final int NOT_OFFERED = 0;

  /**
   * {@link #offerToMemoryHandler}: committed; the handler has the upcall, the faulter is FAULTED.
   */
  static final int DELIVERED = 1;

  /**
   * {@link #offerToMemoryHandler}: the handler cannot take the upcall now; the invoker waits on its
   * rcvWaitQ and the faulter records nothing.
   */
  static final int HANDLER_BUSY = 2;

  /**
   * Fault {@code code} taken now by {@code p}, the process running this transaction. Returns BLOCK:
   * the process waits, faulted or for a handler.
   */
  static int take(Invocation inv, Process p, int code, long info) {
    inv.txn.lock(p);
    inv.begin(p, p.pb);
    if (isMemoryFault(code) && offerToMemoryHandler(inv, p, code, info) != NOT_OFFERED) {
      return SystemCall.BLOCK;
    }
    return toProcessHandler(inv, p, code, info);
  }

  /**
   * Delivers {@code p}'s pending fault to its process handler. Returns BLOCK: a faulted process
   * waits until resumed.
   */
  static int deliver(Invocation inv, Process p) {
    if (p.runState == Process.FAULTED) {
      return SystemCall.BLOCK; // delivered already, or nobody to deliver to
    }
    inv.begin(p, p.pb);
    return toProcessHandler(inv, p, p.faultCode, p.faultInfo);
  }

  /**
   * Offers memory fault {@code code} at {@code address} in {@code p}'s space to the memory handler
   * on that address's path, on behalf of {@code inv.invoker} (who waits if the handler is busy).
   * Returns {@link #NOT_OFFERED}, {@link #DELIVERED} or {@link #HANDLER_BUSY}.
   */
  static int offerToMemoryHandler(Invocation inv, Process p, int code, long address) {
    MemWalk w = inv.walk;
    boolean forWrite = code == FaultCode.ACCESS_VIOLATION;
    boolean capAccess =
        code == FaultCode.INVALID_CAP_REFERENCE || code == FaultCode.CAP_ACCESS_TYPE_ERROR;
    // The walk that faulted, again: its objects are still locked, so it takes the same path.
    w.walk(inv.machine, inv.txn, p.addrSpace, address, forWrite, capAccess);
    Gpt g = w.handlerGpt(code);
    if (g == null) {
      return NOT_OFFERED;
    }
    long relative = w.handlerAddress;
    Capability handlerCap = g.slots[Gpt.HANDLER_SLOT];
    Endpoint ep = inv.machine.prepareForInvocation(inv, handlerCap, true, false);
    if (inv.slept) {
      return HANDLER_BUSY;
    }
    if (ep == null) {
      return NOT_OFFERED; // not a valid Entry capability: the process handler gets the fault
    }
    Capability restart = Capability.object(CapType.PROCESS, Restr.RESTART, 0, p);
    Capability gptCap = Capability.object(CapType.GPT, 0, 64, g);
    boolean delivered =
        upcall(
            inv,
            p,
            code,
            address,
            ep,
            handlerCap,
            Codes.OC_MEMORY_HANDLER_HANDLE,
            relative,
            restart,
            gptCap);
    return delivered ? DELIVERED : HANDLER_BUSY;
  }

  /** Records fault {@code code} on {@code p} and sends it to {@code p}'s process handler. */
  private static int toProcessHandler(Invocation inv, Process p, int code, long info) {
    Endpoint ep = inv.machine.prepareForInvocation(inv, p.handler, true, false);
    if (ep != null) {
      Capability full = Capability.object(CapType.PROCESS, 0, 0, p);
      if (upcall(
          inv, p, code, info, ep, p.handler, Codes.OC_PROCESS_HANDLER_HANDLE, info, full, null)) {
        return SystemCall.BLOCK;
      }
      // The handler's receive slots fault: p waits for it (committed), as for a busy handler.
    } else {
      inv.txn.commit();
      if (!inv.slept) {
        p.runState = Process.FAULTED; // no valid handler: faulted until someone resumes it
        if (KernelEvents.COMPILED && KernelEvents.on()) {
          KernelEvents.faultDelivered(p, code, info, null, "none");
        }
        inv.machine.log.line(
            "process "
                + p
                + " faults with no keeper (fc="
                + code
                + ", info=0x"
                + Long.toHexString(info)
                + ")");
      }
    }
    p.faultCode = code; // a process waiting for its handler shows the fault it will deliver
    p.faultInfo = info;
    return SystemCall.BLOCK;
  }

  static boolean isMemoryFault(int fc) {
    return (fc >= FaultCode.INVALID_DATA_REFERENCE && fc <= FaultCode.MISALIGNED_REFERENCE)
        || fc == FaultCode.MALFORMED_SPACE;
  }

  /**
   * Sends the oneway {@code handle(proc, fc, info)} upcall to {@code inv.invokee} through {@code
   * ep}, with capabilities Null, {@code c1} and (if not null) {@code c2}; the faulting process
   * records {@code code} and {@code faultInfo} and becomes FAULTED. Returns false, with nothing
   * sent and nothing recorded on the faulter, if the handler's receive slots fault: the handler
   * takes that fault (never offered to a memory handler, so delivery cannot recurse) and the
   * invoker waits for it.
   */
  private static boolean upcall(
      Invocation inv,
      Process p,
      int code,
      long faultInfo,
      Endpoint ep,
      Capability via,
      int opcode,
      long info,
      Capability c1,
      Capability c2) {
    Process h = inv.invokee;
    inv.loadReceive(h); // the receive h took when it started waiting, not its block
    long hicw = inv.rcvIcw;
    int lastCap = c2 == null ? 1 : 2;
    int nslots = (hicw & Icw.AC) != 0 ? Math.min(lastCap, Icw.lrc(hicw)) + 1 : 0;
    for (int i = 0; i < nslots; i++) {
      long loc = inv.rcvCap[i];
      int f = CapLocs.prepareWrite(inv, h, loc, i);
      if (f != 0) {
        SystemCall.faultReceiver(inv, h, f, f == FaultCode.MALFORMED_SYSCALL ? 0 : loc & ~1L);
        return false;
      }
    }
    inv.txn.commit();
    p.faultCode = code;
    p.faultInfo = faultInfo;
    p.runState = Process.FAULTED;
    if (KernelEvents.COMPILED && KernelEvents.on()) {
      KernelEvents.faultDelivered(
          p, code, faultInfo, h, opcode == Codes.OC_MEMORY_HANDLER_HANDLE ? "memory" : "process");
    }
    Capability[] caps = {Capability.NULL, c1, c2};
    for (int i = 0; i < nslots; i++) {
      CapLocs.write(inv, h, i, caps[i]);
    }
    if (ep.pm) {
      ep.protPayload++;
    }
    long[] words = inv.opw;
    words[1] = opcode & 0xFFFF_FFFFL;
    words[2] = code;
    words[3] = info;
    long opw0 = (hicw & Icw.PRESERVE) | Icw.makeLdw(3) | Icw.SC | Icw.makeLsc(lastCap);
    SystemCall.deliverWords(inv, h, h.pb, opw0, words, via.payload(), 0, ep.endpointID);
    h.runState = Process.RUNNING;
    // The invoker waits now (the faulter, or the sender whose message faulted a receiver): the
    // handler runs next on its slice, as proc_do_upcall queues it at the front.
    inv.machine.scheduler.makeReady(h, true, inv.cpu);
    return true;
  }
}
