package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.Page;

/** The GPT interface: l2v, the handler bit, and making windows in a slot. */
final class GptCap extends AddressSpaceCap {
  GptCap() {
    super(Codes.IKT_GPT);
  }

  @Override
  boolean dispatchObject(Invocation inv) {
    Gpt g = (Gpt) inv.iCap.target;
    int op = inv.opcode;
    if (op == Codes.OC_GPT_SET_L2V) {
      long l2v = inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        if (readOnly(inv.iCap)) {
          inv.error(Codes.RC_NO_ACCESS);
        } else if (l2v < Page.SIZE_BITS || l2v > 64) {
          inv.error(Codes.RC_REQUEST_ERROR);
        } else {
          inv.result(g.l2v);
          g.l2v = (int) l2v;
          inv.machine.translationsChanged();
        }
      }
    } else if (op == Codes.OC_GPT_GET_L2V) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(g.l2v);
      }
    } else if (op == Codes.OC_GPT_SET_HANDLER) {
      boolean ha = inv.nextArg() != 0;
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        if (readOnly(inv.iCap)) {
          inv.error(Codes.RC_NO_ACCESS);
        } else {
          g.ha = ha;
        }
      }
    } else if (op == Codes.OC_GPT_GET_HANDLER) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(g.ha ? 1 : 0);
      }
    } else if (op == Codes.OC_GPT_MAKE_LOCAL_WINDOW || op == Codes.OC_GPT_MAKE_BACKGROUND_WINDOW) {
      boolean local = op == Codes.OC_GPT_MAKE_LOCAL_WINDOW;
      long slot = inv.nextArg();
      long restr = inv.nextArg();
      long offset = inv.nextArg();
      long guard = inv.nextArg();
      long root = local ? inv.nextArg() : 0;
      if (!inv.requireArgs(0)) {
        return true;
      }
      inv.txn.commit();
      int type = local ? CapType.LOCAL_WINDOW : CapType.WINDOW;
      Capability w = Capability.of(type, (int) restr & Restr.ALL, root, (int) guard, offset, null);
      if (readOnly(inv.iCap)) {
        inv.error(Codes.RC_NO_ACCESS);
      } else if ((restr & ~Restr.ALL) != 0
          || slot < 0
          || slot >= Gpt.SLOTS
          || root < 0
          || root >= Gpt.SLOTS
          || !validGuard(guard, w)) {
        inv.error(Codes.RC_REQUEST_ERROR);
      } else {
        g.slots[(int) slot] = w;
        inv.machine.translationsChanged();
      }
    } else {
      return false;
    }
    return true;
  }
}
