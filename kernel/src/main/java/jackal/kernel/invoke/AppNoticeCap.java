package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;

/**
 * AppNotice: posting application-defined notices to the recipient of an endpoint. The capability's
 * payload is the mask of notices it may post. Posting ORs the allowed bits into the recipient's
 * pending notices and never blocks; a recipient in an open wait is woken so that its receive
 * delivers them, one in a closed wait is not (notices are suppressed there); a Null recipient means
 * the notice is dropped. Posting never replies.
 */
final class AppNoticeCap extends KernelCap {
  AppNoticeCap() {
    super(Codes.IKT_APP_NOTICE);
  }

  @Override
  boolean dispatch(Invocation inv) {
    int op = inv.opcode;
    if (op == Codes.OC_APP_NOTICE_POST_NOTICE) {
      int notices = (int) inv.nextArg();
      if (!inv.requireArgs(0)) {
        return true;
      }
      // Oneway: even a caller that sent a reply capability gets no reply, and its payload is not
      // bumped.
      inv.suppressReply();
      Endpoint ep = (Endpoint) inv.iCap.target;
      Capability rc = inv.machine.prepare(inv.txn, ep.recipient);
      inv.txn.commit();
      if (rc.type == CapType.PROCESS) {
        Process r = (Process) rc.target;
        int allowed = notices & inv.iCap.word1();
        if (allowed != 0) {
          r.notices |= allowed;
          if (r.runState == Process.RECEIVING && (r.rcvIcw & Icw.CW) == 0) {
            r.runState = Process.RUNNING; // re-enters its receive, which delivers the notices
            inv.machine.scheduler.makeReady(r, false, inv.cpu);
          }
        }
      }
    } else if (op == Codes.OC_APP_NOTICE_GET_NOTICES) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(inv.iCap.payload());
      }
    } else {
      return false;
    }
    return true;
  }

  /**
   * Delivers {@code p}'s pending notices as the message of its open receive (control word {@code
   * icw}): a message from itself with endpoint ID all ones, payload 0, no string and no
   * capabilities, word 1 the postNotice opcode and word 2 the notices, which are then cleared. The
   * payload, length and endpoint ID are soft parameters, written only if the receive asked for them
   * (CO). Returns the control word the receive ends with.
   */
  static long deliverToSelf(Process p, ParameterBlock pb, long icw) {
    pb.w[1] = Codes.OC_APP_NOTICE_POST_NOTICE & 0xFFFF_FFFFL;
    pb.w[2] = p.notices & 0xFFFF_FFFFL;
    p.notices = 0;
    if ((icw & Icw.CO) != 0) {
      pb.w[ParameterBlock.PP] = 0;
      pb.w[ParameterBlock.EPID] = -1L;
      pb.w[ParameterBlock.SNDLEN] = 0;
    }
    return (icw & Icw.PRESERVE) | Icw.makeLdw(2);
  }
}
