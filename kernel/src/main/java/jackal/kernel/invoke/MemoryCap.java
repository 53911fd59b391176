package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Page;

/**
 * The Memory interface, common to every memory and window capability: reduce, setGuard, getGuard,
 * getRestrictions. These make or describe capabilities and change no object.
 */
abstract class MemoryCap extends KernelCap {
  MemoryCap(long interfaceType) {
    super(interfaceType);
  }

  @Override
  final boolean dispatch(Invocation inv) {
    Capability self = inv.iCap;
    int op = inv.opcode;
    if (op == Codes.OC_MEMORY_REDUCE) {
      long mask = inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        boolean gptOnly = (mask & (Restr.OPAQUE | Restr.NO_CALL)) != 0;
        if ((mask & ~Restr.ALL) != 0 || (gptOnly && self.type != CapType.GPT)) {
          inv.error(Codes.RC_REQUEST_ERROR);
        } else {
          int add = (int) mask;
          if ((add & Restr.WEAK) != 0) {
            add |= Restr.READ_ONLY; // weak implies read-only
          }
          inv.resultCap(self.withRestr(self.restr | add));
        }
      }
    } else if (op == Codes.OC_MEMORY_SET_GUARD) {
      long guard = inv.nextArg();
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        if (!validGuard(guard, self)) {
          inv.error(Codes.RC_REQUEST_ERROR);
        } else {
          inv.resultCap(self.withWord1((int) guard));
        }
      }
    } else if (op == Codes.OC_MEMORY_GET_GUARD) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(self.word1() & 0xFFFF_FFFFL);
      }
    } else if (op == Codes.OC_MEMORY_GET_RESTRICTIONS) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(self.restr);
      }
    } else {
      return dispatchMore(inv);
    }
    return true;
  }

  /** Methods of the more specific interface. */
  abstract boolean dispatchMore(Invocation inv);

  /**
   * The guard invariants: page bits &le; l2g &le; 64, match below 2^24 - 1, {@code match << l2g}
   * within 64 bits, and (for a window) its offset a multiple of 2^l2g.
   */
  static boolean validGuard(long guard, Capability forCap) {
    if ((guard & ~0xFFFF_FF7FL) != 0) {
      return false; // bit 7 is zero in a guard word, and only 32 bits exist
    }
    int l2g = (int) (guard & 0x7F);
    long match = guard >>> 8;
    if (l2g < Page.SIZE_BITS || l2g > 64 || match >= (1 << 24) - 1) {
      return false;
    }
    if (l2g == 64 ? match != 0 : (64 - Long.numberOfLeadingZeros(match)) + l2g > 64) {
      return false;
    }
    boolean window = forCap.type == CapType.WINDOW || forCap.type == CapType.LOCAL_WINDOW;
    return !window || offsetAligned(forCap.oid, l2g);
  }

  static boolean offsetAligned(long offset, int l2g) {
    return l2g >= 64 ? offset == 0 : (offset & ((1L << l2g) - 1)) == 0;
  }
}
