package jackal.services.space;

import static jackal.kernel.api.CapLoc.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.services.boot.SpaceServerImage;
import jackal.services.space.programs.LargeModel;
import jackal.services.space.programs.MallocUntilFull;
import jackal.services.space.programs.Report;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Programs loaded from pages into a program space server's space: the data region at work. */
class ProgramSpaceTest {
  static final long PRIME = reg(CapReg.SPACEBANK);
  static final int SERVER = CapReg.APP0;
  static final int SERVER_SPACE = CapReg.APP0 + 1;
  static final int PROGRAM = CapReg.APP0 + 2;
  static final int FACET = CapReg.APP0 + 3;
  static final int BANK = CapReg.APP0 + 4;
  static final int SPACE = CapReg.APP0 + 5;
  static final long REPORT_ID = 7;

  /** A loaded program in a program space server's space, and the scenario that starts both. */
  static final class Run {
    final SpaceSystem s;
    final SpaceServerImage server;
    final ProgramSpace image;
    final ObjectRef program;
    final List<String> keeperSaw = new CopyOnWriteArrayList<>();
    final AtomicLong report = new AtomicLong(-1);
    final AtomicLong pagesBefore = new AtomicLong(-1);
    final AtomicLong pagesAfter = new AtomicLong(-1);

    Run(SpaceSystem s, Class<? extends jackal.kernel.api.ProgramEntry> entry, long pageLimit)
        throws Exception {
      this(s, entry, pageLimit, false);
    }

    /** With {@code virtualCopy}, the program runs in a virtual copy space over its image. */
    Run(
        SpaceSystem s,
        Class<? extends jackal.kernel.api.ProgramEntry> entry,
        long pageLimit,
        boolean virtualCopy)
        throws Exception {
      this.s = s;
      image = s.image(entry, 1);
      server =
          virtualCopy
              ? SpaceServerImage.virtualCopy(s.k, s.servers, s.runtime, image.space())
              : SpaceServerImage.programSpace(s.k, s.servers, s.runtime, image.space());
      program = s.bare("program");
      ObjectRef keeper = s.keeper(keeperSaw);
      s.k.setHandler(program, s.entry(keeper, 2));
      s.k.setCapReg(program, Report.SPACE, server.facet());
      ObjectRef setup =
          s.scenario(
              "setup",
              c -> {
                c.bank.createChild(PRIME, reg(BANK));
                if (pageLimit >= 0) {
                  c.limitPages(BANK, pageLimit);
                }
                c.startServer(SERVER, SERVER_SPACE, server.pc(), BANK);
                c.elf.getSpace(reg(FACET), reg(SPACE));
                pagesBefore.set(c.pagesUsed(BANK));
                c.process.setSpaceAndPC(reg(PROGRAM), reg(SPACE), image.pc());
                c.ipc.receive();
                report.set(c.ipc.w[1]);
                pagesAfter.set(c.pagesUsed(BANK));
              });
      s.k.setCapReg(program, Report.TO, s.entry(setup, REPORT_ID));
      s.k.setCapReg(setup, SERVER, s.k.cap(server.process()));
      s.k.setCapReg(setup, SERVER_SPACE, server.space());
      s.k.setCapReg(setup, PROGRAM, s.k.cap(program));
      s.k.setCapReg(setup, FACET, server.facet());
      s.run(keeper, setup);
    }
  }

  @Test
  void largeModelProgramTouching4MiBCompletesWithItsPagesFromTheServersBank() throws Exception {
    try (SpaceSystem s = new SpaceSystem()) {
      Run r = new Run(s, LargeModel.class, -1);
      assertThat(r.keeperSaw).as("no unhandled fault (console: %s)", s.console()).isEmpty();
      ProcessInfo info = s.k.inspect(r.program);
      assertThat(info.exited()).as("%s", info).isTrue();
      assertThat(r.report.get()).isEqualTo(ProgramLayout.HEAP_BASE + LargeModel.BYTES);
      long pages = LargeModel.BYTES / ProgramLayout.PAGE_SIZE;
      assertThat(r.pagesAfter.get() - r.pagesBefore.get()).isGreaterThanOrEqualTo(pages);
    }
  }

  @Test
  void mallocUntilTheBanksLimitFailsCleanlyThenAStoreToAddressZeroGoesToTheProcessHandler()
      throws Exception {
    try (SpaceSystem s = new SpaceSystem()) {
      Run r = new Run(s, MallocUntilFull.class, 40);
      assertThat(r.report.get()).as("console: %s", s.console()).isEqualTo(40);
      assertThat(r.keeperSaw).containsExactly("fc=" + FaultCode.ACCESS_VIOLATION + " at=0");
      ProcessInfo info = s.k.inspect(r.program);
      assertThat(info.runState()).isEqualTo(ProcessInfo.FAULTED);
      assertThat(info.faultInfo()).isZero();
      assertThat(r.pagesAfter.get()).isEqualTo(40);
      assertThat(Codes.OT_PAGE).isZero();
    }
  }
}
