package jackal.kernel.invoke;

import jackal.kernel.api.Codes;
import jackal.kernel.cap.CapEncoding;
import jackal.kernel.cap.Capability;

/** CapBits.get: the 16-byte external form of a capability, as four 32-bit words. */
final class CapBitsCap extends KernelCap {
  CapBitsCap() {
    super(Codes.IKT_CAP_BITS);
  }

  @Override
  boolean dispatch(Invocation inv) {
    if (inv.opcode != Codes.OC_CAP_BITS_GET) {
      return false;
    }
    if (inv.requireArgs(1)) {
      Capability c = inv.capArg(1);
      inv.txn.commit();
      for (int w : CapEncoding.encode(c, inv.machine.layout())) {
        inv.result(w & 0xFFFF_FFFFL);
      }
    }
    return true;
  }
}
