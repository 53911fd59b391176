package jackal.kernel.invoke;

import static jackal.kernel.api.ParameterBlock.EPID;
import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.PP;
import static jackal.kernel.api.ParameterBlock.RCVCAP;
import static jackal.kernel.api.ParameterBlock.SNDLEN;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;

/**
 * Process faults. A process whose fault code is not zero runs nothing. Its fault goes, as a
 * oneway {@code ProcessHandler.handle(Process, FC, faultInfo)} upcall, to the Entry capability in
 * its handler slot: with slot 0 Null and slot 1 a full-strength capability to the process. If the
 * handler is not receiving, the faulting process waits for it (re-reading the slot each time); if
 * there is no valid handler, the process simply stays faulted. Only {@code Process.resume} brings
 * it back.
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

  /**
   * Delivers {@code p}'s pending fault to its handler. Returns BLOCK: a faulted process waits until
   * it is resumed.
   */
  static int deliver(Invocation inv, Process p) {
    if (p.runState == Process.FAULTED) {
      return SystemCall.BLOCK; // delivered already, or nobody to deliver to
    }
    inv.begin(p, p.pb);
    Endpoint ep = inv.machine.prepareForInvocation(inv, p.handler, true, false);
    if (inv.slept) {
      return SystemCall.BLOCK;
    }
    if (ep == null) {
      inv.txn.commit();
      p.runState = Process.FAULTED;
      return SystemCall.BLOCK;
    }
    Process h = inv.invokee;
    ParameterBlock hpb = h.pb;
    long hicw = hpb.w[ICW];
    int nslots = (hicw & Icw.AC) != 0 ? Math.min(1, Icw.lrc(hicw)) + 1 : 0;
    for (int i = 0; i < nslots; i++) {
      long loc = hpb.w[RCVCAP + i];
      int fc = CapLocs.prepareWrite(inv, h, loc);
      if (fc != 0) {
        return SystemCall.chargeReceiver(inv, h, fc, loc & ~1L);
      }
    }
    inv.txn.commit();
    p.runState = Process.FAULTED;
    hpb.w[1] = Codes.OC_PROCESS_HANDLER_HANDLE & 0xFFFF_FFFFL;
    hpb.w[2] = p.faultCode;
    hpb.w[3] = p.faultInfo;
    hpb.w[SNDLEN] = 0;
    if (nslots > 0) {
      CapLocs.write(inv, h, hpb.w[RCVCAP], Capability.NULL);
    }
    if (nslots > 1) {
      CapLocs.write(inv, h, hpb.w[RCVCAP + 1], Capability.object(CapType.PROCESS, 0, 0, p));
    }
    if (ep.pm) {
      ep.protPayload++;
    }
    hpb.w[PP] = p.handler.payload();
    hpb.w[EPID] = ep.endpointID;
    hpb.w[ICW] = (hicw & Icw.PRESERVE) | Icw.makeLdw(3) | Icw.SC | Icw.makeLsc(1);
    h.runState = Process.RUNNING;
    inv.machine.scheduler.makeReady(h, false, inv.cpu);
    return SystemCall.BLOCK;
  }
}
