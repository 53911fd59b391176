package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;

/** The Endpoint interface: recipient, payload match, endpoint ID, and minting Entry caps. */
final class EndpointCap extends KernelCap {
  EndpointCap() {
    super(Codes.IKT_ENDPOINT);
  }

  @Override
  boolean dispatch(Invocation inv) {
    Endpoint ep = (Endpoint) inv.iCap.target;
    int op = inv.opcode;
    if (op == Codes.OC_ENDPOINT_SET_RECIPIENT) {
      if (!inv.requireArgs(1)) {
        return true;
      }
      Capability p = inv.capArg(1);
      if (p.type != CapType.PROCESS && p.type != CapType.NULL) {
        inv.txn.commit();
        inv.error(Codes.RC_REQUEST_ERROR);
        return true;
      }
      Capability old = inv.machine.prepare(inv.txn, ep.recipient);
      inv.txn.commit();
      ep.recipient = p;
      if (old.type == CapType.PROCESS) {
        ((Process) old.target).wakeSenders(inv.machine.scheduler, inv.cpu);
      }
      ep.wakeWaiters(inv.machine.scheduler, inv.cpu);
    } else if (op == Codes.OC_ENDPOINT_SET_PAYLOAD_MATCH) {
      if (inv.requireArgs(0)) {
        Capability rcp = inv.machine.prepare(inv.txn, ep.recipient);
        inv.txn.commit();
        if (!ep.pm) {
          ep.pm = true;
          // Senders waiting for the recipient to receive would mostly fail the new payload test:
          // wake them so they find out now. Once pm is set they have all been through it.
          if (rcp.type == CapType.PROCESS) {
            ((Process) rcp.target).wakeSenders(inv.machine.scheduler, inv.cpu);
          }
        }
      }
    } else if (op == Codes.OC_ENDPOINT_SET_ENDPOINT_ID) {
      long id = inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        ep.endpointID = id;
      }
    } else if (op == Codes.OC_ENDPOINT_GET_ENDPOINT_ID) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(ep.endpointID);
      }
    } else if (op == Codes.OC_ENDPOINT_MAKE_ENTRY_CAP) {
      int pp = (int) inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.resultCap(Capability.object(CapType.ENTRY, 0, pp, ep));
      }
    } else if (op == Codes.OC_ENDPOINT_MAKE_APP_NOTIFIER) {
      int mask = (int) inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.resultCap(Capability.object(CapType.APP_NOTICE, 0, mask, ep));
      }
    } else {
      return false;
    }
    return true;
  }
}
