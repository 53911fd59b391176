package jackal.services.space;

import static jackal.kernel.api.CapLoc.reg;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.runtime.CapReg;
import jackal.runtime.Guards;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.GPTClient;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * The repair engine shared by the space servers: walks the space from its root GPT towards a
 * faulting address, the way the kernel's walk does, and changes the space so that the access
 * succeeds next time. Three repairs, each with storage from the server's bank:
 *
 * <ul>
 *   <li>a guard that the address does not match: a new GPT is put above the capability, spanning
 *       both the address and the region the capability covers;
 *   <li>a read-only or weak capability (the shared image): replaced by a copy of its object, the
 *       copy's own slots still weak, so that a copy is made one level at a time, down to the page;
 *   <li>an empty slot: a fresh zero page (a capability page for a capability access).
 * </ul>
 *
 * <p>The engine works in registers {@link #TMP1} to {@link #TMP3} and allocates from the bank in
 * SPACEBANK. A repair either succeeds or leaves the space as it was at the failed step (a GPT
 * already inserted or an object already copied stays: the space means the same with it).
 */
final class CopyOnWrite {
  /** A full capability to the root GPT (guard: none, 64 bits). */
  static final int ROOT = CapReg.APP0 + 2;

  static final int TMP1 = CapReg.APP0 + 5;
  static final int TMP2 = CapReg.APP0 + 6;
  static final int TMP3 = CapReg.APP0 + 7;

  static final int PAGE_BITS = 12;
  private static final int SLOT_BITS = 4;
  static final int SLOTS = 16;
  static final int HANDLER_SLOT = 15;
  private static final int OT_INVALID = (int) Codes.OT_INVALID;
  private static final long NULL = reg(CapReg.NULL);
  private static final long BANK = reg(CapReg.SPACEBANK);

  private final GPTClient gpt;
  private final SpaceBankClient bank;

  /** Pages this engine has taken from the bank (copies and fresh pages). */
  long pagesAllocated;

  CopyOnWrite(Ipc calls) {
    this.gpt = new GPTClient(calls);
    this.bank = new SpaceBankClient(calls);
  }

  /**
   * Makes {@code addr} of the root's space accessible: for data (a page) or, with {@code wantCap},
   * for capabilities (a capability page). Returns false if it cannot: the space is malformed or
   * opaque below the root, the bank is out of room, or the address is past what the root spans.
   */
  boolean repair(long addr, boolean wantCap) {
    try {
      return walkAndRepair(addr, wantCap);
    } catch (KernelException e) {
      return false;
    }
  }

  private boolean walkAndRepair(long address, boolean wantCap) throws KernelException {
    int cur = ROOT;
    int next = TMP1;
    int spare = TMP2;
    int nextSpare = TMP3;
    long addr = address;
    int lastL2v = 65;
    for (int steps = 0; steps < 64; steps++) {
      int l2v = gpt.getl2v(reg(cur));
      long slot = l2v >= 64 ? 0 : addr >>> l2v;
      long rem = l2v >= 64 ? addr : addr & ((1L << l2v) - 1);
      if (slot >= SLOTS || (cur == ROOT && slot >= HANDLER_SLOT)) {
        return false;
      }
      gpt.getSlot(reg(cur), (int) slot, reg(next));
      long type = gpt.getType(reg(next));
      boolean empty = type == Codes.IKT_NULL;
      // An empty slot is treated as a page-sized region at the slot's start: a GPT is inserted
      // until the address falls in that page.
      int guardWord = empty ? Guards.of(0, PAGE_BITS) : gpt.getGuard(reg(next));
      int l2g = guardWord & 0x7F;
      long match = (guardWord & 0xFFFF_FFFFL) >>> 8;
      long base = l2g >= 64 ? 0 : match << l2g;
      if (l2g > l2v || (l2v < 64 && (base >>> l2v) != 0)) {
        return false; // a capability wider than its slot: not a space this engine understands
      }
      long mismatch = l2g >= 64 ? 0 : (rem ^ base) & -(1L << l2g);
      if (mismatch != 0) {
        insertGpt(cur, (int) slot, next, spare, empty, l2v, l2g, base, rem, mismatch);
        continue; // the slot now holds the new GPT: look at it again
      }
      int restr = empty ? Restr.READ_ONLY : gpt.getRestrictions(reg(next));
      if ((restr & Restr.OPAQUE) != 0) {
        return false;
      }
      if ((restr & (Restr.READ_ONLY | Restr.WEAK)) != 0) {
        int ot = objectType(type, wantCap);
        if (ot == OT_INVALID) {
          return false;
        }
        bank.alloc(BANK, ot, OT_INVALID, OT_INVALID, reg(spare), NULL, NULL);
        try {
          if (empty) {
            gpt.setSlot(reg(cur), (int) slot, reg(spare));
          } else {
            gpt.copyFrom(reg(spare), reg(next), reg(spare));
            int keep = restr & ~(Restr.READ_ONLY | Restr.WEAK | Restr.OPAQUE);
            if (ot != Codes.OT_GPT) {
              keep &= ~Restr.NO_CALL; // a GPT-only restriction: a page cannot carry it
            }
            if (keep != 0) {
              gpt.reduce(reg(spare), keep, reg(spare));
            }
            gpt.setSlot(reg(cur), (int) slot, reg(spare));
          }
        } catch (KernelException e) {
          freeQuietly(spare);
          throw e;
        }
        if (ot != Codes.OT_GPT) {
          pagesAllocated++;
          return true; // a page is the end of the walk
        }
        continue; // the copied GPT is in the slot now: walk into it
      }
      if (type != Codes.IKT_GPT) {
        // A writable page or capability page that still faults: the fault is not one a copy
        // mends (a capability access to a data page, for instance).
        return false;
      }
      if (l2v >= lastL2v) {
        return false; // every step must go down, or a cycle of GPTs would loop forever
      }
      lastL2v = l2v;
      addr = l2g >= 64 ? rem : rem & ((1L << l2g) - 1);
      cur = next;
      next = spare;
      spare = nextSpare;
      nextSpare = cur;
    }
    return false;
  }

  /**
   * Puts a new GPT in {@code slot} of {@code cur} spanning both the address {@code rem} (within the
   * slot) and the region {@code [base, base + 2^l2g)} that the capability now in the slot covers,
   * and moves that capability (if any) into the new GPT. The new GPT's slots are as small as
   * possible, so that the address and the old region fall in different slots.
   */
  private void insertGpt(
      int cur,
      int slot,
      int old,
      int spare,
      boolean empty,
      int l2v,
      int l2g,
      long base,
      long rem,
      long mismatch)
      throws KernelException {
    int differ = 64 - Long.numberOfLeadingZeros(mismatch); // bits in which they differ
    int newL2v = Math.max(l2g, differ - SLOT_BITS);
    int newL2g = Math.min(newL2v + SLOT_BITS, l2v);
    long newMatch = newL2g >= 64 ? 0 : rem >>> newL2g;
    bank.alloc(BANK, Codes.OT_GPT, OT_INVALID, OT_INVALID, reg(spare), NULL, NULL);
    try {
      gpt.setl2v(reg(spare), newL2v);
      if (!empty) {
        long within = newL2v >= 64 ? base : base & ((1L << newL2v) - 1);
        int oldSlot = (int) (newL2v >= 64 ? 0 : (base >>> newL2v) & (SLOTS - 1));
        gpt.guardedSetSlot(reg(spare), oldSlot, reg(old), Guards.of((int) (within >>> l2g), l2g));
      }
      gpt.guardedSetSlot(reg(cur), slot, reg(spare), Guards.of((int) newMatch, newL2g));
    } catch (KernelException e) {
      freeQuietly(spare);
      throw e;
    }
  }

  private static int objectType(long type, boolean wantCap) {
    if (type == Codes.IKT_NULL) {
      return wantCap ? Codes.OT_CAP_PAGE : Codes.OT_PAGE;
    }
    if (type == Codes.IKT_PAGE) {
      return Codes.OT_PAGE;
    }
    if (type == Codes.IKT_CAP_PAGE) {
      return Codes.OT_CAP_PAGE;
    }
    if (type == Codes.IKT_GPT) {
      return Codes.OT_GPT;
    }
    return OT_INVALID;
  }

  private void freeQuietly(int r) {
    try {
      bank.free(BANK, 1, reg(r), NULL, NULL);
    } catch (KernelException e) {
      // The bank refused (destroyed, or the object was never ours): nothing more to give back.
    }
  }
}
