package jackal.kernel.invoke;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.CapType;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.CapPage;
import jackal.kernel.obj.Process;

/**
 * Reading and writing capabilities at capability locations. A register location must name one of
 * the 32 registers (else MalformedSyscall); register 0 reads as Null and discards writes. A memory
 * location is a 16-byte-aligned address in the process's own space that must translate to a CapPage
 * slot; a capability fetched through a weak path comes back weakened, and a store needs a writable
 * path.
 */
final class CapLocs {
  private CapLocs() {}

  /** Checks the form of {@code loc} (not whether memory there exists). */
  static void checkForm(long loc) {
    if (CapLoc.isMemory(loc)) {
      long addr = loc & ~1L;
      if ((addr & 15) != 0) {
        throw new SyscallFault(FaultCode.MISALIGNED_REFERENCE, addr);
      }
    } else if ((loc >>> 1) >= CapLoc.NUM_REGS) {
      throw new SyscallFault(FaultCode.MALFORMED_SYSCALL, 0);
    }
  }

  /**
   * Reads the capability at {@code loc} in {@code p}, to be kept (sent, copied, passed to a kernel
   * capability): a reply capability read from a register is {@linkplain Capability#pin pinned}.
   * Throws the caller's fault if it can't.
   */
  static Capability read(Invocation inv, Process p, long loc) {
    checkForm(loc);
    if (!CapLoc.isMemory(loc)) {
      return p.capReg((int) (loc >>> 1)).pin();
    }
    return readMemory(inv, p, loc);
  }

  /**
   * Reads the capability {@code p} invokes: as {@link #read}, except that a reply capability stays
   * recyclable, since an invocation keeps no reference past its transaction (only its payload, read
   * before anything is delivered).
   */
  static Capability readInvoked(Invocation inv, Process p, long loc) {
    checkForm(loc);
    if (!CapLoc.isMemory(loc)) {
      return p.capReg((int) (loc >>> 1));
    }
    return readMemory(inv, p, loc);
  }

  private static Capability readMemory(Invocation inv, Process p, long loc) {
    long addr = loc & ~1L;
    MemWalk w = inv.walk;
    int fc = w.walk(inv.machine, inv.txn, p.addrSpace, addr, false, true);
    if (fc != 0) {
      throw new SyscallFault(fc, addr);
    }
    Capability c = ((CapPage) w.leaf).slots[(int) (w.offset >>> 4)];
    return (w.restr & Restr.WEAK) != 0 ? weaken(c) : c;
  }

  /**
   * Marshals destination {@code slot} (0..3) of {@code inv}: where a capability written to {@code
   * loc} in {@code p}'s space goes. Returns 0 when the destination is ready for {@link #write},
   * else the fault that writing there raises for the process owning the space (MalformedSyscall for
   * a register number out of range, whatever was checked before).
   */
  static int prepareWrite(Invocation inv, Process p, long loc, int slot) {
    if (!CapLoc.isMemory(loc)) {
      if ((loc >>> 1) >= CapLoc.NUM_REGS) {
        return FaultCode.MALFORMED_SYSCALL;
      }
      inv.destPage[slot] = null;
      inv.destSlot[slot] = (int) (loc >>> 1);
      return 0;
    }
    MemWalk w = inv.walk;
    int fc = w.walk(inv.machine, inv.txn, p.addrSpace, loc & ~1L, true, true);
    if (fc != 0) {
      return fc;
    }
    inv.destPage[slot] = (CapPage) w.leaf;
    inv.destSlot[slot] = (int) (w.offset >>> 4);
    return 0;
  }

  /**
   * Writes {@code c} to destination {@code slot}, which {@link #prepareWrite} marshalled for {@code
   * p} in this transaction: no walk, no lock, cannot fail.
   */
  static void write(Invocation inv, Process p, int slot, Capability c) {
    CapPage page = inv.destPage[slot];
    int i = inv.destSlot[slot];
    if (page != null) {
      page.slots[i] = c;
    } else if (i != 0) {
      p.setCapReg(i, c);
    }
  }

  /**
   * Writes the reply capability of {@code inv} (an Entry capability to {@link Invocation#replyEp}
   * carrying {@link Invocation#replyPayload}) to destination {@code slot}, marshalled as for {@link
   * #write}. A register that holds a recyclable reply capability to the same endpoint gets that
   * object reissued with the new payload (the call's allocation-free path, see {@link
   * Capability#reissue}); any other register gets a new recyclable one; a CapPage slot gets an
   * ordinary capability, since memory can be read without pinning.
   */
  static void writeReply(Invocation inv, Process p, int slot) {
    CapPage page = inv.destPage[slot];
    int i = inv.destSlot[slot];
    if (page != null) {
      page.slots[i] = inv.sentCap(slot);
    } else if (i != 0 && !p.capReg(i).reissue(inv.replyEp, inv.replyPayload)) {
      p.setCapReg(i, Capability.reply(inv.replyEp, inv.replyPayload));
    }
  }

  /**
   * The capability fetched through a weak path: memory objects become read-only (and weak, for
   * those that hold capabilities), discreet capabilities stay as they are, and anything that could
   * convey authority to act becomes Null.
   */
  static Capability weaken(Capability c) {
    return switch (c.type) {
      case CapType.NULL, CapType.WINDOW, CapType.LOCAL_WINDOW, CapType.DISCRIM -> c;
      case CapType.GPT, CapType.CAP_PAGE -> c.withRestr(c.restr | Restr.READ_ONLY | Restr.WEAK);
      case CapType.PAGE -> c.withRestr(c.restr | Restr.READ_ONLY);
      default -> Capability.NULL;
    };
  }
}
