package jackal.runtime.fuzz;

import static jackal.kernel.api.ParameterBlock.EPID;
import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.INVCAP;
import static jackal.kernel.api.ParameterBlock.RCVBOUND;
import static jackal.kernel.api.ParameterBlock.RCVCAP;
import static jackal.kernel.api.ParameterBlock.RCVPTR;
import static jackal.kernel.api.ParameterBlock.SNDCAP;
import static jackal.kernel.api.ParameterBlock.SNDLEN;
import static jackal.kernel.api.ParameterBlock.SNDPTR;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.Syscall;
import jackal.runtime.CapReg;
import java.util.SplittableRandom;

/**
 * A seeded generator of hostile system calls: each call fills a parameter block with what an
 * attacker would try, mixing well-formed calls (which exercise the kernel's paths with invalid,
 * stale and foreign capabilities) with malformed ones (reserved bits, out-of-range registers and
 * lengths, wild addresses, misaligned capability locations, impossible system call numbers).
 *
 * <p>The same seed gives the same sequence of blocks, so a failure found by the fuzzer is replayed
 * by running it again with the seed it logged.
 */
public final class HostileSyscalls {
  /** Where the process's address space has a capability page (see {@link SyscallFuzz}). */
  static final long CAP_PAGE_BASE = 0x1000;

  private final SplittableRandom r;
  private final boolean mayReceive;

  /**
   * @param r the random source (one per hostile process)
   * @param mayReceive false for a process that must never receive anything nor send capabilities
   *     (no RP, AC, SC or RC): the destroyer, whose Range capability must stay with it
   */
  public HostileSyscalls(SplittableRandom r, boolean mayReceive) {
    this.r = r;
    this.mayReceive = mayReceive;
  }

  /** The opcodes worth trying: the kernel's own, so calls reach the handlers' argument checks. */
  private static final int[] OPCODES = {
    Codes.OC_CAP_GET_TYPE,
    Codes.OC_CAP_DESTROY,
    Codes.OC_KERN_LOG_LOG,
    Codes.OC_DISCRIM_CLASSIFY,
    Codes.OC_DISCRIM_COMPARE,
    Codes.OC_CAP_BITS_GET,
    Codes.OC_ENDPOINT_SET_RECIPIENT,
    Codes.OC_ENDPOINT_SET_PAYLOAD_MATCH,
    Codes.OC_ENDPOINT_SET_ENDPOINT_ID,
    Codes.OC_ENDPOINT_MAKE_ENTRY_CAP,
    Codes.OC_ENDPOINT_MAKE_APP_NOTIFIER,
    Codes.OC_APP_NOTICE_POST_NOTICE,
    Codes.OC_PROCESS_RESUME,
    Codes.OC_PROCESS_SET_STATE,
    Codes.OC_PROCESS_SET_SLOT,
    Codes.OC_PROCESS_SET_CAP_REG,
    Codes.OC_PROCESS_GET_CAP_REG,
    Codes.OC_RANGE_RESCIND,
    Codes.OC_RANGE_IDENTIFY,
    Codes.OC_AS_SET_SLOT,
    Codes.OC_AS_GET_SLOT,
    Codes.OC_AS_FETCH,
    Codes.OC_AS_STORE,
    Codes.OC_AS_ERASE,
    Codes.OC_AS_COPY_FROM,
    Codes.OC_GPT_SET_L2V,
    Codes.OC_GPT_SET_HANDLER,
    Codes.OC_MEMORY_REDUCE,
  };

  /**
   * Registers a call may block on without risk of waiting for ever: Null (an empty register), the
   * kernel's capabilities and the scratch objects (the kernel answers at once), the honest server
   * (which always replies). See {@link SyscallFuzz} for the register map.
   */
  private static final int[] ANSWERING = {0, 1, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 17, 20, 21};

  /** Fills {@code w} with the next hostile call. */
  public void next(long[] w) {
    int kind = r.nextInt(100);
    if (kind < 2) {
      for (int i = 0; i < w.length; i++) {
        w[i] = r.nextLong(); // anything at all
      }
      return;
    }
    if (kind < 8) {
      w[ICW] = chance(3) ? Syscall.COPY_CAP | bit() : Syscall.COPY_CAP;
      w[1] = hostile() ? capLoc() : CapLoc.reg(r.nextInt(CapLoc.NUM_REGS));
      w[2] = hostile() ? capLoc() : CapLoc.reg(SCRATCH_REGS + r.nextInt(32 - SCRATCH_REGS));
      return;
    }
    if (kind < 11) {
      w[ICW] = chance(3) ? Syscall.YIELD | bit() : Syscall.YIELD;
      return;
    }
    invoke(w);
  }

  /** Registers 22-31 are where received and copied capabilities land. */
  private static final int SCRATCH_REGS = 22;

  /** Whether one field of this call is to be hostile (most calls are otherwise well formed). */
  private boolean hostile() {
    return r.nextInt(100) < 4;
  }

  private void invoke(long[] w) {
    long icw = hostile() ? r.nextInt(16) : Syscall.INVOKE_CAP;
    icw |= Icw.makeLdw(r.nextInt(8)) | Icw.makeLsc(r.nextInt(4)) | Icw.makeLrc(r.nextInt(4));
    icw |= chance(95) ? Icw.SP : 0;
    icw |= chance(50) ? Icw.SC : 0;
    icw |= chance(50) ? Icw.RC : 0;
    icw |= chance(50) ? Icw.CO : 0;
    icw |= chance(5) ? Icw.EX : 0;
    icw |= hostile() && chance(20) ? Icw.SG | Icw.AS : 0;
    icw |= hostile() && chance(20) ? 1L << (22 + r.nextInt(42)) : 0; // a reserved bit
    boolean blocks;
    if (mayReceive && chance(10)) {
      // A receive: a closed wait for the reply of something that answers, so it ends.
      icw |= Icw.RP | Icw.AC | Icw.CW | Icw.RC | Icw.SC;
      icw &= ~Icw.NB;
      w[EPID] = 0;
      blocks = true;
    } else {
      icw |= mayReceive && chance(20) ? Icw.AC : 0;
      blocks = chance(10);
      icw |= blocks ? 0 : Icw.NB;
      w[EPID] = r.nextInt(4);
    }
    if (!mayReceive) {
      // It neither receives nor sends capabilities: what it holds stays with it.
      icw &= ~(Icw.RP | Icw.AC | Icw.SC | Icw.RC);
    }
    w[ICW] = icw;
    w[1] = chance(80) ? OPCODES[r.nextInt(OPCODES.length)] & 0xFFFF_FFFFL : edgy(32);
    for (int i = 2; i <= 7; i++) {
      w[i] = chance(60) ? r.nextInt(40) : edgy(64);
    }
    w[INVCAP] =
        blocks
            ? CapLoc.reg(ANSWERING[r.nextInt(ANSWERING.length)])
            : hostile() ? capLoc() : CapLoc.reg(r.nextInt(CapLoc.NUM_REGS));
    w[SNDCAP] =
        (icw & Icw.RP) != 0 || chance(70)
            ? CapLoc.reg(CapReg.REPLYEPT)
            : hostile() ? capLoc() : CapLoc.reg(r.nextInt(CapLoc.NUM_REGS));
    for (int i = 1; i < 4; i++) {
      w[SNDCAP + i] = hostile() ? capLoc() : CapLoc.reg(r.nextInt(CapLoc.NUM_REGS));
    }
    for (int i = 0; i < 4; i++) {
      boolean safe = (icw & Icw.RP) != 0 || !hostile();
      w[RCVCAP + i] = safe ? CapLoc.reg(SCRATCH_REGS + r.nextInt(32 - SCRATCH_REGS)) : capLoc();
    }
    if (hostile()) {
      w[SNDLEN] = length();
      w[SNDPTR] = address();
    } else {
      w[SNDLEN] = chance(70) ? 0 : r.nextInt(256);
      w[SNDPTR] = r.nextInt(0x800);
    }
    if (hostile() && (icw & Icw.RP) == 0) {
      w[RCVBOUND] = length();
      w[RCVPTR] = address();
    } else {
      w[RCVBOUND] = r.nextInt(512);
      w[RCVPTR] = r.nextInt(0x800);
    }
  }

  /** A capability location: a register, often out of range, or a place in memory. */
  private long capLoc() {
    int k = r.nextInt(100);
    if (k < 30) {
      return CapLoc.reg(r.nextInt(CapLoc.NUM_REGS));
    }
    if (k < 55) {
      return CapLoc.reg(CapLoc.NUM_REGS + r.nextInt(300)); // MalformedSyscall
    }
    if (k < 90) {
      long addr = CAP_PAGE_BASE + 16L * r.nextInt(300); // past the page too
      return CapLoc.mem(r.nextInt(10) == 0 ? addr + 1 + r.nextInt(15) : addr);
    }
    return r.nextLong();
  }

  private long length() {
    return switch (r.nextInt(8)) {
      case 0, 1, 2 -> 0;
      case 3 -> 1 + r.nextInt(64);
      case 4 -> 4096 + r.nextInt(3) - 1;
      case 5 -> Syscall.MAX_SNDLEN + r.nextInt(3) - 1;
      default -> edgy(64);
    };
  }

  private long address() {
    return switch (r.nextInt(5)) {
      case 0 -> 0;
      case 1 -> r.nextInt(0x3000);
      case 2 -> 0x1000 - r.nextInt(64);
      default -> edgy(64);
    };
  }

  private long bit() {
    return 1L << (4 + r.nextInt(60));
  }

  private boolean chance(int percent) {
    return r.nextInt(100) < percent;
  }

  private long edgy(int bits) {
    long mask = bits >= 64 ? -1L : (1L << bits) - 1;
    return switch (r.nextInt(5)) {
      case 0 -> mask;
      case 1 -> 0;
      case 2 -> (1L << r.nextInt(bits)) & mask;
      default -> r.nextLong() & (mask >>> r.nextInt(bits));
    };
  }
}
