package jackal.services.space;

import static jackal.kernel.api.CapLoc.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.CapReg;
import jackal.services.idl.coyotos.AddressSpaceOpaqueSpaceException;
import jackal.services.idl.coyotos.CapCodes;
import jackal.services.idl.coyotos.MemoryHandlerCodes;
import jackal.services.idl.coyotos.ProcessGetStateResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Hostile callers of a space server: upcalls forged through the handler facet (assumed leaked),
 * forged payloads, and attempts to reach into the space it hands out.
 */
class SpaceServerAttackTest {
  static final long PRIME = reg(CapReg.SPACEBANK);
  static final int BANK = CapReg.APP0 + 6;
  static final int SPACE = CapReg.APP0 + 7;
  static final int HANDLER = CapReg.APP0 + 9;
  static final int VICTIM = CapReg.APP0 + 10;
  static final int FAKE = CapReg.APP0 + 11;
  static final int FORGED_PP = CapReg.APP0 + 12;
  static final int WORK = CapReg.APP0 + 13;
  static final long VICTIM_ADDR = 0x5000;

  /** A raw request: opcode, words, capabilities in slots 1..; the exception code or 0. */
  static long raw(SpaceSystem.Client c, long target, long[] words, long... caps) {
    for (int i = 0; i < words.length; i++) {
      c.ipc.w[1 + i] = words[i];
    }
    for (int i = 0; i < caps.length; i++) {
      c.ipc.capArg(1 + i, caps[i]);
    }
    return c.ipc.call(target, words.length, caps.length, -1) ? 0 : c.ipc.exceptionCode();
  }

  @Test
  void anUpcallNotCarryingTheRootGptResumesNoProcessAndSpendsNoStorage() throws Exception {
    ProgramSpaceBehaviourTest.Setup t = new ProgramSpaceBehaviourTest.Setup();
    try (SpaceSystem s = t.s) {
      List<String> victimKeeper = new CopyOnWriteArrayList<>();
      ObjectRef keeper = s.keeper(victimKeeper);
      // The victim faults in its own one-page space; the attacker wants it resumed.
      ObjectRef victim = s.k.newProcess("victim", sys -> sys.loadByte(VICTIM_ADDR));
      s.k.setAddressSpace(victim, s.k.cap(s.k.newPage()));
      s.k.setHandler(victim, s.entry(keeper, 3));
      AtomicReference<String> codes = new AtomicReference<>();
      AtomicLong spent = new AtomicLong(-1);
      AtomicLong victimFault = new AtomicLong(-1);
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(ProgramSpaceBehaviourTest.SERVER, t.server.pc(), BANK, SPACE);
            for (int i = 0; i < 100_000 && c.process.getState(reg(VICTIM)).faultCode() == 0; i++) {
              c.ipc.yieldCpu();
            }
            c.bank.alloc(
                PRIME,
                Codes.OT_GPT,
                (int) Codes.OT_INVALID,
                (int) Codes.OT_INVALID,
                reg(FAKE),
                reg(0),
                reg(0));
            long before = c.pagesUsed(BANK);
            long[] upcall = {
              MemoryHandlerCodes.OC_handle & 0xFFFF_FFFFL, FaultCode.INVALID_DATA_REFERENCE, 0x2000
            };
            long withOwnGpt = raw(c, reg(HANDLER), upcall, reg(VICTIM), reg(FAKE));
            long withOpaqueRoot = raw(c, reg(HANDLER), upcall, reg(VICTIM), reg(SPACE));
            long generatedShape = raw(c, reg(HANDLER), upcall, reg(VICTIM));
            codes.set(withOwnGpt + " " + withOpaqueRoot + " " + generatedShape);
            spent.set(c.pagesUsed(BANK) - before);
            ProcessGetStateResult st = c.process.getState(reg(VICTIM));
            victimFault.set(st.faultCode());
          },
          p -> {
            s.k.setCapReg(p, VICTIM, s.k.cap(victim));
          },
          keeper,
          victim);
      assertThat(codes.get())
          .as("console: %s", s.console())
          .isEqualTo(Codes.RC_NO_ACCESS + " " + Codes.RC_NO_ACCESS + " " + Codes.RC_REQUEST_ERROR);
      assertThat(spent.get()).isZero();
      assertThat(victimFault.get()).isEqualTo(FaultCode.INVALID_DATA_REFERENCE);
      assertThat(victimKeeper).as("the victim was not re-run").hasSize(1);
      assertThat(s.k.inspect(victim).runState()).isEqualTo(ProcessInfo.FAULTED);
    }
  }

  @Test
  void aPayloadThatNamesNoFacetAndAnUpcallThroughTheSpaceFacetAreUnknownRequests()
      throws Exception {
    ProgramSpaceBehaviourTest.Setup t = new ProgramSpaceBehaviourTest.Setup();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> codes = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(ProgramSpaceBehaviourTest.SERVER, t.server.pc(), BANK, SPACE);
            long forged = raw(c, reg(FORGED_PP), new long[] {CapCodes.OC_getType & 0xFFFF_FFFFL});
            long[] upcall = {
              MemoryHandlerCodes.OC_handle & 0xFFFF_FFFFL, FaultCode.INVALID_DATA_REFERENCE, 0x2000
            };
            long throughSpace =
                raw(
                    c,
                    reg(ProgramSpaceBehaviourTest.SERVER + 2),
                    upcall,
                    reg(CapReg.SELF),
                    reg(SPACE));
            codes.set(forged + " " + throughSpace);
          },
          p -> s.k.setCapReg(p, FORGED_PP, s.k.entry(t.server.endpoint(), 7)));
      assertThat(codes.get()).isEqualTo(Codes.RC_UNKNOWN_REQUEST + " " + Codes.RC_UNKNOWN_REQUEST);
    }
  }

  @Test
  void theSpaceHandedOutIsOpaqueSoItsHandlerSlotCannotBeReadNorItsSlotsReplaced() throws Exception {
    ProgramSpaceBehaviourTest.Setup t = new ProgramSpaceBehaviourTest.Setup();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> codes = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(ProgramSpaceBehaviourTest.SERVER, t.server.pc(), BANK, SPACE);
            long read = code(() -> c.gpt.getSlot(reg(SPACE), 15, reg(WORK)));
            long write = code(() -> c.gpt.setSlot(reg(SPACE), 0, reg(0)));
            codes.set(read + " " + write);
          });
      assertThat(codes.get())
          .isEqualTo(
              AddressSpaceOpaqueSpaceException.CODE + " " + AddressSpaceOpaqueSpaceException.CODE);
    }
  }

  static long code(ProgramSpaceBehaviourTest.Call call) {
    return ProgramSpaceBehaviourTest.code(call);
  }
}
