package jackal.services.space;

import static jackal.kernel.api.CapLoc.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.boot.MetaConstructor;
import jackal.services.boot.SpaceServerImage;
import jackal.services.idl.coyotos.ConstructorClient;
import jackal.services.idl.coyotos.VirtualCopySpaceCodes;
import jackal.services.space.programs.VirtualCopyModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The virtual copy space: copy-on-write over any space, zero pages anywhere, freeze. */
class VirtualCopySpaceTest {
  static final long PRIME = reg(CapReg.SPACEBANK);
  static final int SERVER = CapReg.APP0; // + 1, + 2: see SpaceSystem.giveServer
  static final int SECOND = CapReg.APP0 + 3; // + 1, + 2
  static final int BANK = CapReg.APP0 + 6;
  static final int SPACE = CapReg.APP0 + 7;
  static final int SPACE2 = CapReg.APP0 + 8;
  static final int WORK = CapReg.APP0 + 9;
  static final byte[] IMAGE_BYTES = "image".getBytes(StandardCharsets.UTF_8);

  /** Two virtual copy spaces (over {@code background}, built from a page) and one scenario. */
  static final class Setup {
    final SpaceSystem s = new SpaceSystem();
    final ObjectRef page = s.k.newPage();
    final SpaceServerImage server;
    final SpaceServerImage second;
    final List<String> keeperSaw = new CopyOnWriteArrayList<>();
    ObjectRef scenario;

    /** Over a hand-built image ({@code zero}: over nothing, zeroVCS). */
    Setup(boolean zero) {
      s.k.writePage(page, 0, IMAGE_BYTES);
      CapRef bg = zero ? s.k.nullCap() : s.imageWith(page);
      server = SpaceServerImage.virtualCopy(s.k, s.servers, s.runtime, bg);
      second = SpaceServerImage.virtualCopy(s.k, s.servers, s.runtime, bg);
    }

    void run(SpaceSystem.Scenario body) throws Exception {
      scenario = s.scenario("scenario", body);
      s.giveServer(scenario, server, SERVER);
      s.giveServer(scenario, second, SECOND);
      ObjectRef keeper = s.keeper(keeperSaw);
      s.k.setHandler(scenario, s.entry(keeper, 2));
      s.run(keeper, scenario);
    }
  }

  @Test
  void virtualCopyProgramTouching4MiBCompletesWithNoUnhandledFault() throws Exception {
    try (SpaceSystem s = new SpaceSystem()) {
      ProgramSpaceTest.Run r = new ProgramSpaceTest.Run(s, VirtualCopyModel.class, -1, true);
      assertThat(r.keeperSaw).as("console: %s", s.console()).isEmpty();
      assertThat(s.k.inspect(r.program).exited()).isTrue();
      long pages = 4L << 20 >> 12;
      assertThat(r.pagesAfter.get() - r.pagesBefore.get()).isGreaterThanOrEqualTo(pages);
    }
  }

  @Test
  void aWriteThroughTheCopyLeavesTheBackgroundUnchangedAndASecondCopySeesTheOriginal()
      throws Exception {
    Setup t = new Setup(false);
    try (SpaceSystem s = t.s) {
      AtomicReference<String> seen = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.startServer(SECOND, t.second.pc(), BANK, SPACE2);
            c.enter(SPACE);
            byte before = c.sys.loadByte(0x1000);
            c.sys.storeByte(0x1000, (byte) 'X');
            byte after = c.sys.loadByte(0x1000);
            c.enter(SPACE2);
            byte other = c.sys.loadByte(0x1000);
            seen.set((char) before + " " + (char) after + " " + (char) other);
          });
      assertThat(seen.get()).as("console: %s", s.console()).isEqualTo("i X i");
      assertThat(s.k.readPage(t.page, 0, IMAGE_BYTES.length)).isEqualTo(IMAGE_BYTES);
      assertThat(t.keeperSaw).isEmpty();
    }
  }

  @Test
  void zeroVcsBacksAnyAddressWithAZeroPage() throws Exception {
    Setup t = new Setup(true);
    try (SpaceSystem s = t.s) {
      AtomicLong value = new AtomicLong(-1);
      long far = 0x7654_3210_8000L;
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.enter(SPACE);
            long zero = c.sys.loadLong(far) + c.sys.loadLong(0x1000);
            c.sys.storeLong(far + 8, 5);
            c.sys.storeLong(0x1008, 6);
            value.set(zero + c.sys.loadLong(far + 8) * 10 + c.sys.loadLong(0x1008));
          });
      assertThat(value.get()).as("console: %s", s.console()).isEqualTo(56);
      assertThat(t.keeperSaw).isEmpty();
    }
  }

  @Test
  void aCapabilityStoredInTheSpaceGetsACapabilityPage() throws Exception {
    Setup t = new Setup(true);
    try (SpaceSystem s = t.s) {
      AtomicReference<Boolean> same = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.enter(SPACE);
            c.ipc.copyCap(reg(CapReg.SELF), CapLoc.mem(0x40010));
            c.ipc.copyCap(CapLoc.mem(0x40010), reg(WORK));
            same.set(c.discrim.compare(reg(SpaceSystem.DISCRIM), reg(WORK), reg(CapReg.SELF)));
          });
      assertThat(same.get()).as("console: %s", s.console()).isTrue();
      assertThat(t.keeperSaw).isEmpty();
    }
  }

  @Test
  void aFaultTheCopyCannotRepairForWantOfPagesGoesToTheProcessHandler() throws Exception {
    Setup t = new Setup(true);
    try (SpaceSystem s = t.s) {
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.limitPages(BANK, 0);
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.enter(SPACE);
            c.sys.storeLong(0x3000, 1);
          });
      assertThat(t.keeperSaw)
          .containsExactly("fc=" + FaultCode.INVALID_DATA_REFERENCE + " at=3000");
      assertThat(s.k.inspect(t.scenario).runState()).isEqualTo(ProcessInfo.FAULTED);
    }
  }

  @Test
  void freezeOfAServerWithoutAMetaconstructorIsUnknownRequestAsInCoyotos() throws Exception {
    Setup t = new Setup(true);
    try (SpaceSystem s = t.s) {
      AtomicReference<String> got = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            long code;
            try {
              c.vcs.freeze(reg(SERVER + 2), reg(WORK));
              code = 0;
            } catch (KernelException e) {
              code = e.code();
            }
            got.set(code + " " + Long.toHexString(c.vcs.getType(reg(SERVER + 2))));
          });
      assertThat(got.get())
          .isEqualTo(Codes.RC_UNKNOWN_REQUEST + " " + Long.toHexString(VirtualCopySpaceCodes.IKT));
    }
  }

  static final int CON = CapReg.APP0 + 10;
  static final int Y1 = CapReg.APP0 + 11;
  static final int Y2 = CapReg.APP0 + 12;
  static final int S1 = CapReg.APP0 + 13;
  static final int S2 = CapReg.APP0 + 14;
  static final int SCHED = CapReg.APP0 + 15;

  /** A virtual copy space over the image page that can freeze, and a scenario using it. */
  static final class Freezing {
    final SpaceSystem s = new SpaceSystem();
    final ObjectRef page = s.k.newPage();
    final MetaConstructor meta = MetaConstructor.build(s.k, s.runtime, s.prime);
    final SpaceServerImage server;
    final List<String> keeperSaw = new CopyOnWriteArrayList<>();
    ObjectRef scenario;

    Freezing() {
      s.k.writePage(page, 0, IMAGE_BYTES);
      server =
          SpaceServerImage.virtualCopy(s.k, s.servers, s.runtime, s.imageWith(page), meta.entry());
    }

    void run(SpaceSystem.Scenario body) throws Exception {
      scenario = s.scenario("scenario", body);
      s.giveServer(scenario, server, SERVER);
      s.k.setCapReg(scenario, SCHED, s.k.kernelCap(KernelService.SCHEDULE));
      ObjectRef keeper = s.keeper(keeperSaw);
      s.k.setHandler(scenario, s.entry(keeper, 2));
      s.run(keeper, meta.process(), scenario);
    }
  }

  @Test
  void aFrozenSpacesConstructorYieldsCopiesThatSeeItAndKeepTheirWritesFromItAndEachOther()
      throws Exception {
    Freezing t = new Freezing();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> seen = new AtomicReference<>();
      t.run(
          c -> {
            ConstructorClient con = new ConstructorClient(new Ipc(c.sys));
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.enter(SPACE);
            c.sys.storeByte(0x1000, (byte) 'F'); // the space now differs from its background
            c.vcs.freeze(reg(SERVER + 2), reg(CON));
            con.create(reg(CON), reg(BANK), reg(SCHED), reg(CapReg.NULL), reg(Y1));
            con.create(reg(CON), reg(BANK), reg(SCHED), reg(CapReg.NULL), reg(Y2));
            c.vcs.getSpace(reg(Y1), reg(S1));
            c.vcs.getSpace(reg(Y2), reg(S2));
            c.enter(S1);
            char first = (char) c.sys.loadByte(0x1000);
            c.sys.storeByte(0x1000, (byte) '1');
            c.enter(S2);
            char second = (char) c.sys.loadByte(0x1000);
            c.sys.storeByte(0x1000, (byte) '2');
            c.enter(S1);
            char firstAgain = (char) c.sys.loadByte(0x1000);
            c.enter(SPACE);
            char original = (char) c.sys.loadByte(0x1000);
            seen.set(
                ""
                    + first
                    + second
                    + firstAgain
                    + original
                    + " confined="
                    + con.isYieldConfined(reg(CON)));
          });
      assertThat(seen.get()).as("console: %s", s.console()).isEqualTo("FF1F confined=true");
      assertThat(s.k.readPage(t.page, 0, IMAGE_BYTES.length)).isEqualTo(IMAGE_BYTES);
      assertThat(t.keeperSaw).isEmpty();
    }
  }

  @Test
  void aWriteToAFrozenSpaceIsAFaultForTheProcessHandler() throws Exception {
    Freezing t = new Freezing();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> seen = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.enter(SPACE);
            c.sys.storeByte(0x1000, (byte) 'F');
            c.vcs.freeze(reg(SERVER + 2), reg(CON));
            seen.set("frozen, reads " + (char) c.sys.loadByte(0x1000));
            c.sys.storeByte(0x1000, (byte) 'G');
            seen.set("the write went through");
          });
      assertThat(seen.get()).as("console: %s", s.console()).isEqualTo("frozen, reads F");
      assertThat(t.keeperSaw).containsExactly("fc=" + FaultCode.ACCESS_VIOLATION + " at=1000");
    }
  }

  @Test
  void freezeTwiceAnswersTheSameConstructor() throws Exception {
    Freezing t = new Freezing();
    try (SpaceSystem s = t.s) {
      AtomicReference<Boolean> same = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.vcs.freeze(reg(SERVER + 2), reg(CON));
            c.vcs.freeze(reg(SERVER + 2), reg(Y1));
            same.set(c.discrim.compare(reg(SpaceSystem.DISCRIM), reg(CON), reg(Y1)));
          });
      assertThat(same.get()).as("console: %s", s.console()).isTrue();
    }
  }

  @Test
  void destroyingACopyMadeByTheFrozenConstructorDestroysItsBankAndTheServerWithIt()
      throws Exception {
    Freezing t = new Freezing();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> seen = new AtomicReference<>();
      t.run(
          c -> {
            ConstructorClient con = new ConstructorClient(new Ipc(c.sys));
            c.bank.createChild(PRIME, reg(BANK));
            c.bank.createChild(reg(BANK), reg(WORK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.vcs.freeze(reg(SERVER + 2), reg(CON));
            con.create(reg(CON), reg(WORK), reg(SCHED), reg(CapReg.NULL), reg(Y1));
            c.vcs.getSpace(reg(Y1), reg(S1));
            c.enter(S1);
            c.sys.storeByte(0x1000, (byte) '1'); // a page of the copy's own, from its bank
            c.enter(SPACE);
            c.vcs.destroy(reg(Y1));
            long code;
            try {
              c.vcs.getSpace(reg(Y1), reg(S2));
              code = 0;
            } catch (KernelException e) {
              code = e.code();
            }
            seen.set(
                "bank alive="
                    + c.bank.verifyBank(PRIME, reg(WORK))
                    + " server answers="
                    + (code == 0)
                    + " original="
                    + (char) c.sys.loadByte(0x1000));
          });
      assertThat(seen.get())
          .as("console: %s", s.console())
          .isEqualTo("bank alive=false server answers=false original=i");
      assertThat(t.keeperSaw).isEmpty();
    }
  }

  @Test
  void destroyOfAServerBuiltIntoTheImageIsUnknownRequest() throws Exception {
    Freezing t = new Freezing();
    try (SpaceSystem s = t.s) {
      AtomicLong code = new AtomicLong();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            try {
              c.vcs.destroy(reg(SERVER + 2));
            } catch (KernelException e) {
              code.set(e.code());
            }
          });
      assertThat(code.get()).isEqualTo(Codes.RC_UNKNOWN_REQUEST);
    }
  }
}
