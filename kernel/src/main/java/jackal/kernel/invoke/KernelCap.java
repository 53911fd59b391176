package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * A kernel-implemented interface: the code that answers when a capability of its type is invoked. A
 * handler reads its arguments, prepares (locks) everything it will touch, passes the commit point,
 * then makes its effects and builds the reply; nothing after the commit point may fail.
 */
abstract class KernelCap {
  private final long interfaceType;

  KernelCap(long interfaceType) {
    this.interfaceType = interfaceType;
  }

  final void invoke(Invocation inv) {
    if (inv.opcode == Codes.OC_CAP_GET_TYPE) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(interfaceType);
      }
      return;
    }
    if (!dispatch(inv)) {
      inv.txn.commit();
      inv.error(Codes.RC_UNKNOWN_REQUEST);
    }
  }

  /** Handles {@code inv.opcode}; returns false if this interface has no such method. */
  abstract boolean dispatch(Invocation inv);
}
