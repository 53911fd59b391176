package jackal.kernel.invoke;

import static jackal.kernel.api.ParameterBlock.EPID;
import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.PP;
import static jackal.kernel.api.ParameterBlock.RCVCAP;
import static jackal.kernel.api.ParameterBlock.SNDLEN;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.Process;

/**
 * Process faults. A process whose fault code is not zero runs nothing until it is resumed.
 *
 * <p>A memory fault goes first to the memory handler of the deepest GPT on the faulting path that
 * has one ({@link MemWalk#handlerGpt}): a oneway {@code MemoryHandler.handle(Process, FC, address)}
 * through that GPT's slot-15 Entry capability, carrying a RESTART capability to the process and a
 * full capability to the GPT, with the address relative to that GPT. Any other fault, or a memory
 * fault with no valid memory handler, goes as a oneway {@code ProcessHandler.handle(Process, FC,
 * faultInfo)} to the Entry capability in the process's handler slot, with a full-strength process
 * capability. In both cases slot 0 (the reply slot) is Null. If the handler is not receiving, the
 * faulting process waits for it (re-reading the slot each time); with no valid handler at all it
 * simply stays faulted.
 */
final class Faults {
  private Faults() {}

  /** Records fault {@code code} on {@code p} and tries to deliver it. */
  static int take(Invocation inv, Process p, int code, long info) {
    inv.txn.lock(p);
    p.faultCode = code;
    p.faultInfo = info;
    p.runState = Process.RUNNING; // not yet delivered
    return deliver(inv, p);
  }

  /** Delivers {@code p}'s pending fault. Returns BLOCK: a faulted process waits until resumed. */
  static int deliver(Invocation inv, Process p) {
    if (p.runState == Process.FAULTED) {
      return SystemCall.BLOCK; // delivered already, or nobody to deliver to
    }
    inv.begin(p, p.pb);
    int fc = p.faultCode;
    if (isMemoryFault(fc)) {
      MemWalk w = inv.walk;
      boolean forWrite = fc == FaultCode.ACCESS_VIOLATION;
      boolean capAccess =
          fc == FaultCode.INVALID_CAP_REFERENCE || fc == FaultCode.CAP_ACCESS_TYPE_ERROR;
      w.walk(inv.machine, inv.txn, p.addrSpace, p.faultInfo, forWrite, capAccess);
      Gpt g = w.handlerGpt(fc);
      if (g != null) {
        long relative = w.handlerAddress;
        Capability handlerCap = g.slots[Gpt.HANDLER_SLOT];
        Endpoint ep = inv.machine.prepareForInvocation(inv, handlerCap, true, false);
        if (inv.slept) {
          return SystemCall.BLOCK;
        }
        if (ep != null) {
          Capability restart = Capability.object(CapType.PROCESS, Restr.RESTART, 0, p);
          Capability gptCap = Capability.object(CapType.GPT, 0, 64, g);
          return upcall(
              inv, p, ep, handlerCap, Codes.OC_MEMORY_HANDLER_HANDLE, relative, restart, gptCap);
        }
        // The memory handler's capability is not a valid Entry: try the process handler.
      }
    }
    Endpoint ep = inv.machine.prepareForInvocation(inv, p.handler, true, false);
    if (inv.slept) {
      return SystemCall.BLOCK;
    }
    if (ep == null) {
      inv.txn.commit();
      p.runState = Process.FAULTED;
      return SystemCall.BLOCK;
    }
    Capability full = Capability.object(CapType.PROCESS, 0, 0, p);
    return upcall(inv, p, ep, p.handler, Codes.OC_PROCESS_HANDLER_HANDLE, p.faultInfo, full, null);
  }

  static boolean isMemoryFault(int fc) {
    return (fc >= FaultCode.INVALID_DATA_REFERENCE && fc <= FaultCode.MISALIGNED_REFERENCE)
        || fc == FaultCode.MALFORMED_SPACE;
  }

  /**
   * Sends the oneway {@code handle(proc, fc, info)} upcall to {@code inv.invokee} through {@code
   * ep}, with capabilities Null, {@code c1} and (if not null) {@code c2}; the faulting process
   * becomes FAULTED.
   */
  private static int upcall(
      Invocation inv,
      Process p,
      Endpoint ep,
      Capability via,
      int opcode,
      long info,
      Capability c1,
      Capability c2) {
    Process h = inv.invokee;
    ParameterBlock hpb = h.pb;
    long hicw = hpb.w[ICW];
    int lastCap = c2 == null ? 1 : 2;
    int nslots = (hicw & Icw.AC) != 0 ? Math.min(lastCap, Icw.lrc(hicw)) + 1 : 0;
    for (int i = 0; i < nslots; i++) {
      long loc = hpb.w[RCVCAP + i];
      int f = CapLocs.prepareWrite(inv, h, loc);
      if (f != 0) {
        return SystemCall.chargeReceiver(inv, h, f, loc & ~1L);
      }
    }
    inv.txn.commit();
    p.runState = Process.FAULTED;
    hpb.w[1] = opcode & 0xFFFF_FFFFL;
    hpb.w[2] = p.faultCode;
    hpb.w[3] = info;
    hpb.w[SNDLEN] = 0;
    Capability[] caps = {Capability.NULL, c1, c2};
    for (int i = 0; i < nslots; i++) {
      CapLocs.write(inv, h, hpb.w[RCVCAP + i], caps[i]);
    }
    if (ep.pm) {
      ep.protPayload++;
    }
    hpb.w[PP] = via.payload();
    hpb.w[EPID] = ep.endpointID;
    hpb.w[ICW] = (hicw & Icw.PRESERVE) | Icw.makeLdw(3) | Icw.SC | Icw.makeLsc(lastCap);
    h.runState = Process.RUNNING;
    inv.machine.scheduler.makeReady(h, false, inv.cpu);
    return SystemCall.BLOCK;
  }
}
