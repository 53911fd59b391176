package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.CapPage;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.Page;

/**
 * The AddressSpace interface, shared by Page, CapPage and GPT: slot access, capability fetch and
 * store through the space, erase and copyFrom. Mutators refuse (NoAccess) through a read-only or
 * weak capability; slot access through an opaque one is OpaqueSpace; a page has no slots
 * (CapAccessTypeError).
 */
abstract class AddressSpaceCap extends MemoryCap {
  AddressSpaceCap(long interfaceType) {
    super(interfaceType);
  }

  @Override
  final boolean dispatchMore(Invocation inv) {
    int op = inv.opcode;
    if (op == Codes.OC_AS_GET_SLOT) {
      getSlot(inv);
    } else if (op == Codes.OC_AS_SET_SLOT) {
      setSlot(inv, false);
    } else if (op == Codes.OC_AS_GUARDED_SET_SLOT) {
      setSlot(inv, true);
    } else if (op == Codes.OC_AS_FETCH) {
      fetchOrStore(inv, false);
    } else if (op == Codes.OC_AS_STORE) {
      fetchOrStore(inv, true);
    } else if (op == Codes.OC_AS_EXTENDED_FETCH) {
      extended(inv, false);
    } else if (op == Codes.OC_AS_EXTENDED_STORE) {
      extended(inv, true);
    } else if (op == Codes.OC_AS_ERASE) {
      erase(inv);
    } else if (op == Codes.OC_AS_COPY_FROM) {
      copyFrom(inv);
    } else {
      return dispatchObject(inv);
    }
    return true;
  }

  /** Methods of GPT (Page and CapPage add none). */
  boolean dispatchObject(Invocation inv) {
    return false;
  }

  static boolean readOnly(Capability c) {
    return (c.restr & (Restr.READ_ONLY | Restr.WEAK)) != 0;
  }

  /** The capability slots of the invoked object, or null for a page. */
  private static Capability[] slots(KObject o) {
    return o instanceof Gpt g ? g.slots : o instanceof CapPage cp ? cp.slots : null;
  }

  private static void getSlot(Invocation inv) {
    long slot = inv.nextArg();
    if (!inv.requireArgs(0)) {
      return;
    }
    inv.txn.commit();
    Capability self = inv.iCap;
    Capability[] slots = slots(self.target);
    if (slots == null) {
      inv.error(Codes.RC_AS_CAP_ACCESS_TYPE_ERROR);
    } else if ((self.restr & Restr.OPAQUE) != 0) {
      inv.error(Codes.RC_AS_OPAQUE_SPACE);
    } else if (slot < 0 || slot >= slots.length) {
      inv.error(Codes.RC_REQUEST_ERROR);
    } else {
      Capability c = slots[(int) slot];
      boolean weaken = self.type == CapType.GPT ? readOnly(self) : (self.restr & Restr.WEAK) != 0;
      inv.resultCap(weaken ? CapLocs.weaken(c) : c);
    }
  }

  private static void setSlot(Invocation inv, boolean guarded) {
    long slot = inv.nextArg();
    long guard = guarded ? inv.nextArg() : 0;
    if (!inv.requireArgs(1)) {
      return;
    }
    Capability c = inv.src[1];
    inv.txn.commit();
    Capability self = inv.iCap;
    Capability[] slots = slots(self.target);
    if (slots == null) {
      inv.error(Codes.RC_AS_CAP_ACCESS_TYPE_ERROR);
    } else if (readOnly(self)) {
      inv.error(Codes.RC_NO_ACCESS);
    } else if ((self.restr & Restr.OPAQUE) != 0) {
      inv.error(Codes.RC_AS_OPAQUE_SPACE);
    } else if (slot < 0 || slot >= slots.length) {
      inv.error(Codes.RC_REQUEST_ERROR);
    } else if (guarded && (!isMemoryOrWindow(c.type) || !validGuard(guard, c))) {
      inv.error(Codes.RC_REQUEST_ERROR);
    } else {
      slots[(int) slot] = guarded ? c.withWord1((int) guard) : c;
      if (self.target instanceof Gpt) {
        inv.machine.translationsChanged();
      }
    }
  }

  static boolean isMemoryOrWindow(int type) {
    return type == CapType.PAGE
        || type == CapType.CAP_PAGE
        || type == CapType.GPT
        || type == CapType.WINDOW
        || type == CapType.LOCAL_WINDOW;
  }

  /** fetch(offset) and store(offset, c): a CapPage slot found by walking this space. */
  private static void fetchOrStore(Invocation inv, boolean store) {
    long offset = inv.nextArg();
    if (!inv.requireArgs(store ? 1 : 0)) {
      return;
    }
    Capability value = store ? inv.src[1] : null;
    MemWalk w = inv.walk;
    int fc = (offset & 15) != 0 ? -1 : w.walk(inv.machine, inv.txn, inv.iCap, offset, store, true);
    inv.txn.commit();
    if (fc == -1) {
      inv.error(Codes.RC_REQUEST_ERROR);
    } else if ((w.restr & Restr.OPAQUE) != 0) {
      inv.error(Codes.RC_AS_OPAQUE_SPACE);
    } else if (store && readOnly(w)) {
      inv.error(Codes.RC_NO_ACCESS);
    } else if (fc != 0) {
      inv.error(Codes.RC_AS_NO_SUCH_SLOT);
    } else {
      Capability[] slots = ((CapPage) w.leaf).slots;
      int i = (int) (w.offset >>> 4);
      if (store) {
        slots[i] = value;
      } else {
        Capability c = slots[i];
        inv.resultCap((w.restr & Restr.WEAK) != 0 ? CapLocs.weaken(c) : c);
      }
    }
  }

  private static boolean readOnly(MemWalk w) {
    return (w.restr & (Restr.READ_ONLY | Restr.WEAK)) != 0;
  }

  /**
   * extendedFetch(offset, l2arg) and extendedStore(offset, l2arg, guard, c): the slot, in the
   * deepest GPT along the path whose l2v is l2arg, that translates {@code offset}.
   */
  private static void extended(Invocation inv, boolean store) {
    long offset = inv.nextArg();
    long l2arg = inv.nextArg();
    long guard = store ? inv.nextArg() : 0;
    if (!inv.requireArgs(store ? 1 : 0)) {
      return;
    }
    Capability value = store ? inv.src[1] : null;
    boolean badArgs = l2arg < Page.SIZE_BITS || l2arg > 64 || !offsetAligned(offset, (int) l2arg);
    Gpt found = null;
    int foundSlot = 0;
    int foundRestr = 0;
    int restr = 0;
    boolean opaque = false;
    if (!badArgs) {
      Capability c = inv.iCap;
      long a = offset;
      for (int step = 0; step < MemWalk.MAX_STEPS; step++) {
        if (c.type != CapType.GPT) {
          break;
        }
        int l2g = c.word1 & 0x7F;
        long match = (c.word1 >>> 8) & 0xFF_FFFFL;
        long g = l2g >= 64 ? 0 : match << l2g;
        if ((l2g >= 64 ? 0 : a & -(1L << l2g)) != g) {
          break;
        }
        a ^= g;
        restr |= c.restr;
        if ((restr & Restr.OPAQUE) != 0) {
          opaque = true;
          break;
        }
        Gpt gpt = (Gpt) c.target;
        long s = gpt.l2v >= 64 ? 0 : a >>> gpt.l2v;
        if (Long.compareUnsigned(s, gpt.bg ? Gpt.SLOTS / 2 : Gpt.SLOTS) >= 0) {
          break;
        }
        if (gpt.l2v == l2arg) {
          found = gpt;
          foundSlot = (int) s;
          foundRestr = restr;
        }
        if (gpt.l2v < 64) {
          a -= s << gpt.l2v;
        }
        c = inv.machine.prepare(inv.txn, gpt.slots[(int) s]);
      }
    }
    inv.txn.commit();
    if (badArgs || (store && (!isMemoryOrWindow(value.type) || !validGuard(guard, value)))) {
      inv.error(Codes.RC_REQUEST_ERROR);
    } else if (opaque) {
      inv.error(Codes.RC_AS_OPAQUE_SPACE);
    } else if (found == null) {
      inv.error(Codes.RC_AS_NO_SUCH_SLOT);
    } else if (store) {
      if ((foundRestr & (Restr.READ_ONLY | Restr.WEAK)) != 0) {
        inv.error(Codes.RC_NO_ACCESS);
      } else {
        found.slots[foundSlot] = value.withWord1((int) guard);
        inv.machine.translationsChanged();
      }
    } else {
      Capability c = found.slots[foundSlot];
      inv.result(l2arg);
      inv.result(foundRestr);
      inv.resultCap((foundRestr & Restr.WEAK) != 0 ? CapLocs.weaken(c) : c);
    }
  }

  private static void erase(Invocation inv) {
    if (!inv.requireArgs(0)) {
      return;
    }
    inv.txn.commit();
    if (readOnly(inv.iCap)) {
      inv.error(Codes.RC_NO_ACCESS);
      return;
    }
    inv.iCap.target.clearContent();
    if (inv.iCap.target instanceof Gpt) {
      inv.machine.translationsChanged();
    }
  }

  /** copyFrom(other): this object's content becomes a copy of other's (same type). */
  private static void copyFrom(Invocation inv) {
    if (!inv.requireArgs(1)) {
      return;
    }
    Capability other = inv.capArg(1);
    inv.txn.commit();
    Capability self = inv.iCap;
    if (other.type != self.type
        || (other.type == CapType.GPT && (other.restr & Restr.OPAQUE) != 0)) {
      inv.error(Codes.RC_REQUEST_ERROR);
      return;
    }
    if (readOnly(self)) {
      inv.error(Codes.RC_NO_ACCESS);
      return;
    }
    boolean weaken = (other.restr & Restr.WEAK) != 0;
    KObject to = self.target;
    KObject from = other.target;
    if (to != from) {
      if (to instanceof Page dst) {
        System.arraycopy(((Page) from).bytes, 0, dst.bytes, 0, Page.SIZE);
      } else {
        Capability[] src = slots(from);
        Capability[] dst = slots(to);
        for (int i = 0; i < dst.length; i++) {
          dst[i] = weaken ? CapLocs.weaken(src[i]) : src[i];
        }
        if (to instanceof Gpt g) {
          Gpt f = (Gpt) from;
          g.l2v = f.l2v;
          g.ha = f.ha;
          g.bg = f.bg;
          inv.machine.translationsChanged();
        }
      }
    }
    inv.resultCap(self.withWord1(other.word1));
  }
}
