package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
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
  /** log2 of {@link Gpt#SLOTS}: the address bits a GPT's slot index takes. */
  private static final int L2_SLOTS = 4;

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
    } else if (fc == FaultCode.CAP_ACCESS_TYPE_ERROR) {
      inv.error(Codes.RC_AS_CAP_ACCESS_TYPE_ERROR); // the path ends at a data page
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
   * extendedFetch(offset, l2arg) and extendedStore(offset, l2arg, guard, c), the reference's
   * extended_memwalk: walk this space for {@code offset} and take, among the GPTs on the path, the
   * last one reached before the walk meets a capability whose guard translates fewer than l2arg
   * bits or a GPT whose l2v is below l2arg, stopping at the first GPT whose l2v is exactly l2arg.
   * Windows are passed over (their restrictions count). A fault further down the walk does not
   * matter: the slot found lies above it.
   *
   * <p>Fetch answers that slot's capability (weakened through a weak path), the GPT's l2v and the
   * restrictions of the path down to and including the GPT's capability; with no such GPT (a page,
   * a capability page, or a first capability that already fails the test) it answers the invoked
   * capability with l2v 0 and restrictions 0. Store replaces that slot only if the GPT's l2v is
   * exactly l2arg (else NoSuchSlot), and only through a writable path (else NoAccess); the guard is
   * applied to a memory capability, and any other capability is stored as it is (the IDL).
   */
  private static void extended(Invocation inv, boolean store) {
    long offset = inv.nextArg();
    long l2arg = inv.nextArg();
    long guard = store ? inv.nextArg() : 0;
    if (!inv.requireArgs(store ? 1 : 0)) {
      return;
    }
    Capability value = store ? inv.src[1] : null;
    boolean badArgs =
        l2arg < Page.SIZE_BITS
            || l2arg > 64
            || !offsetAligned(offset, (int) l2arg)
            || (store && !validGuard(guard, value));
    Gpt found = null;
    int foundSlot = 0;
    int perms = 0;
    if (!badArgs) {
      MemWalk w = inv.walk;
      w.walk(inv.machine, inv.txn, inv.iCap, offset, false, true);
      int restr = 0;
      for (int i = 0; i < w.depth; i++) {
        Gpt g = w.pathGpt[i];
        int l2g = w.pathL2g[i];
        if (g != null) {
          // A GPT translates at most its slots' bits above l2v, however wide its guard is.
          l2g = Math.min(l2g, Math.min(g.l2v + L2_SLOTS - (g.bg ? 1 : 0), 64));
        }
        if (l2g < l2arg) {
          break;
        }
        restr |= w.pathRestr[i];
        if (w.pathWindow[i]) {
          continue;
        }
        if (g == null || g.l2v < l2arg) {
          break; // a page, or a GPT whose slots are smaller than asked for
        }
        found = g; // on the path, so the slot the offset selects exists
        foundSlot = g.l2v >= 64 ? 0 : (int) (w.pathAddr[i] >>> g.l2v);
        perms = restr;
        if (g.l2v == l2arg) {
          break;
        }
      }
    }
    inv.txn.commit();
    if (badArgs) {
      inv.error(Codes.RC_REQUEST_ERROR);
    } else if ((perms & Restr.OPAQUE) != 0) {
      inv.error(Codes.RC_AS_OPAQUE_SPACE);
    } else if (store) {
      if ((perms & (Restr.READ_ONLY | Restr.WEAK)) != 0) {
        inv.error(Codes.RC_NO_ACCESS);
      } else if (found == null || found.l2v != l2arg) {
        inv.error(Codes.RC_AS_NO_SUCH_SLOT);
      } else {
        found.slots[foundSlot] =
            isMemoryOrWindow(value.type) ? value.withWord1((int) guard) : value;
        inv.machine.translationsChanged();
      }
    } else if (found == null) {
      inv.result(0);
      inv.result(0);
      inv.resultCap(inv.iCap);
    } else {
      Capability c = found.slots[foundSlot];
      inv.result(found.l2v);
      inv.result(perms);
      inv.resultCap((perms & Restr.WEAK) != 0 ? CapLocs.weaken(c) : c);
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
        dst.noteWrite();
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
    inv.resultCap(self.withWord1(other.word1()));
  }
}
