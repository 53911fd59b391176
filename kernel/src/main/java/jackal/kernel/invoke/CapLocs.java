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

  /** Reads the capability at {@code loc} in {@code p}; throws the caller's fault if it can't. */
  static Capability read(Invocation inv, Process p, long loc) {
    checkForm(loc);
    if (!CapLoc.isMemory(loc)) {
      return p.capReg[(int) (loc >>> 1)];
    }
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
   * Prepares a write to {@code loc} in {@code p}'s space: returns 0 if a later {@link #write} will
   * succeed, else the fault code that writing there raises (for the process owning the space).
   */
  static int prepareWrite(Invocation inv, Process p, long loc) {
    if (!CapLoc.isMemory(loc)) {
      return 0;
    }
    return inv.walk.walk(inv.machine, inv.txn, p.addrSpace, loc & ~1L, true, true);
  }

  /**
   * Writes {@code c} at {@code loc}, which {@link #checkForm} and {@link #prepareWrite} have
   * accepted in this transaction; cannot fail.
   */
  static void write(Invocation inv, Process p, long loc, Capability c) {
    if (!CapLoc.isMemory(loc)) {
      int r = (int) (loc >>> 1);
      if (r != 0) {
        p.capReg[r] = c;
      }
      return;
    }
    MemWalk w = inv.walk;
    w.walk(inv.machine, inv.txn, p.addrSpace, loc & ~1L, true, true);
    ((CapPage) w.leaf).slots[(int) (w.offset >>> 4)] = c;
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
