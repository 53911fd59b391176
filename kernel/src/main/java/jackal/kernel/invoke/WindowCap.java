package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;

/** Window (background) and LocalWindow: the Memory methods, plus getOffset and getRootSlot. */
final class WindowCap extends MemoryCap {
  private final boolean local;

  WindowCap(int capType) {
    super(capType == CapType.LOCAL_WINDOW ? Codes.IKT_LOCAL_WINDOW : Codes.IKT_WINDOW);
    this.local = capType == CapType.LOCAL_WINDOW;
  }

  @Override
  boolean dispatchMore(Invocation inv) {
    if (inv.opcode == Codes.OC_WINDOW_GET_OFFSET) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(inv.iCap.oid);
      }
      return true;
    }
    if (local && inv.opcode == Codes.OC_LOCAL_WINDOW_GET_ROOT_SLOT) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(inv.iCap.allocCount);
      }
      return true;
    }
    return false;
  }
}
