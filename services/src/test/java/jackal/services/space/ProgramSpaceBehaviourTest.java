package jackal.services.space;

import static jackal.kernel.api.CapLoc.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.CapReg;
import jackal.runtime.KernelException;
import jackal.services.boot.SpaceServerImage;
import jackal.services.idl.coyotos.ElfSpaceCodes;
import jackal.services.idl.coyotos.ElfSpaceNoSpaceException;
import jackal.services.idl.coyotos.MemoryHandlerCodes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The program space server seen from a process running in its space: copy-on-write over the image,
 * demand-zero pages, the break, and what it leaves to the process handler.
 */
class ProgramSpaceBehaviourTest {
  static final long PRIME = reg(CapReg.SPACEBANK);
  static final int SERVER = CapReg.APP0; // + 1, + 2: see SpaceSystem.giveServer
  static final int SECOND = CapReg.APP0 + 3; // + 1, + 2
  static final int BANK = CapReg.APP0 + 6;
  static final int SPACE = CapReg.APP0 + 7;
  static final int SPACE2 = CapReg.APP0 + 8;
  static final int HANDLER = CapReg.APP0 + 9;
  static final long DATA = 0x1000;
  static final byte[] IMAGE_BYTES = "image".getBytes(StandardCharsets.UTF_8);
  static final byte[] CODE_BYTES = "code".getBytes(StandardCharsets.UTF_8);

  @FunctionalInterface
  interface Call {
    void run() throws KernelException;
  }

  static long code(Call call) {
    try {
      call.run();
      return 0;
    } catch (KernelException e) {
      return e.code();
    }
  }

  /** Boots a program space server over a hand-built image and one scenario holding it. */
  static final class Setup {
    final SpaceSystem s = new SpaceSystem();
    final ObjectRef page = s.k.newPage();
    final ObjectRef code = s.k.newPage();
    final SpaceServerImage server;
    final SpaceServerImage second;
    final List<String> keeperSaw = new CopyOnWriteArrayList<>();
    ObjectRef scenario;

    Setup() {
      s.k.writePage(page, 0, IMAGE_BYTES);
      s.k.writePage(code, 0, CODE_BYTES);
      server = SpaceServerImage.programSpace(s.k, s.servers, s.runtime, s.imageWith(page, code));
      second = SpaceServerImage.programSpace(s.k, s.servers, s.runtime, s.imageWith(page));
    }

    void run(SpaceSystem.Scenario body) throws Exception {
      run(body, p -> {});
    }

    /** Runs {@code body} after {@code give} has given its process more, with {@code others}. */
    void run(SpaceSystem.Scenario body, Consumer<ObjectRef> give, ObjectRef... others)
        throws Exception {
      scenario = s.scenario("scenario", body);
      give.accept(scenario);
      s.giveServer(scenario, server, SERVER);
      s.giveServer(scenario, second, SECOND);
      s.k.setCapReg(scenario, HANDLER, server.handlerFacet());
      ObjectRef keeper = s.keeper(keeperSaw);
      s.k.setHandler(scenario, s.entry(keeper, 2));
      ObjectRef[] all = Arrays.copyOf(others, others.length + 2);
      all[others.length] = keeper;
      all[others.length + 1] = scenario;
      s.run(all);
    }
  }

  @Test
  void aWriteToTheImagesDataGetsAPrivateCopyAndASecondSpaceOverTheImageSeesTheOriginal()
      throws Exception {
    Setup t = new Setup();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> seen = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.startServer(SECOND, t.second.pc(), BANK, SPACE2);
            c.enter(SPACE);
            byte before = c.sys.loadByte(DATA);
            c.sys.storeByte(DATA, (byte) 'X');
            byte after = c.sys.loadByte(DATA);
            c.enter(SPACE2);
            byte other = c.sys.loadByte(DATA);
            seen.set((char) before + " " + (char) after + " " + (char) other);
          });
      assertThat(seen.get()).as("console: %s", s.console()).isEqualTo("i X i");
      assertThat(s.k.readPage(t.page, 0, IMAGE_BYTES.length)).isEqualTo(IMAGE_BYTES);
      assertThat(t.keeperSaw).isEmpty();
    }
  }

  @Test
  void anAddressInTheDataRegionPastTheImageReadsZeroAndTakesAPageFromTheServersBank()
      throws Exception {
    Setup t = new Setup();
    try (SpaceSystem s = t.s) {
      AtomicLong grew = new AtomicLong(-1);
      AtomicLong value = new AtomicLong(-1);
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            long before = c.pagesUsed(BANK);
            c.enter(SPACE);
            long zero = c.sys.loadLong(0x7f_f000); // below the heap, beyond the image's data
            c.sys.storeLong(0x7f_f008, 42);
            value.set(zero + c.sys.loadLong(0x7f_f008));
            grew.set(c.pagesUsed(BANK) - before);
          });
      assertThat(value.get()).as("console: %s", s.console()).isEqualTo(42);
      assertThat(grew.get()).isEqualTo(1);
    }
  }

  @Test
  void setBreakThatWouldShrinkTheRegionIsRefusedWithRequestError() throws Exception {
    Setup t = new Setup();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> codes = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            long facet = reg(SERVER + 2);
            long grow = code(() -> c.elf.setBreak(facet, ProgramLayout.HEAP_BASE + 8192));
            long shrink = code(() -> c.elf.setBreak(facet, ProgramLayout.HEAP_BASE + 4096));
            long same = code(() -> c.elf.setBreak(facet, ProgramLayout.HEAP_BASE + 8192));
            codes.set(grow + " " + shrink + " " + same);
          });
      assertThat(codes.get()).isEqualTo("0 " + Codes.RC_REQUEST_ERROR + " 0");
    }
  }

  @Test
  void setBreakPastTheDataRegionOrTheBanksRoomRaisesNoSpace() throws Exception {
    Setup t = new Setup();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> codes = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.limitPages(BANK, 8);
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            long facet = reg(SERVER + 2);
            long past = code(() -> c.elf.setBreak(facet, ProgramLayout.DATA_LIMIT + 1));
            long tooMany = code(() -> c.elf.setBreak(facet, ProgramLayout.HEAP_BASE + 9 * 4096));
            long fits = code(() -> c.elf.setBreak(facet, ProgramLayout.HEAP_BASE + 8 * 4096));
            codes.set(past + " " + tooMany + " " + fits);
          });
      long noSpace = ElfSpaceNoSpaceException.CODE;
      assertThat(codes.get()).isEqualTo(noSpace + " " + noSpace + " 0");
    }
  }

  @Test
  void aStorePastTheBreakGoesToTheProcessHandler() throws Exception {
    Setup t = new Setup();
    try (SpaceSystem s = t.s) {
      long past = ProgramLayout.HEAP_BASE + 0x10;
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.enter(SPACE);
            c.sys.storeByte(past, (byte) 1);
          });
      // A store through the weak image is an access violation before it is anything else.
      assertThat(t.keeperSaw)
          .containsExactly("fc=" + FaultCode.ACCESS_VIOLATION + " at=" + Long.toHexString(past));
      ProcessInfo info = s.k.inspect(t.scenario);
      assertThat(info.runState()).isEqualTo(ProcessInfo.FAULTED);
      assertThat(info.faultInfo()).isEqualTo(past);
    }
  }

  @Test
  void aStoreIntoTheProgramsCodeGoesToTheProcessHandlerAndTheSharedCodeStaysAsItWas()
      throws Exception {
    Setup t = new Setup();
    try (SpaceSystem s = t.s) {
      long code = ProgramLayout.PC;
      AtomicReference<String> read = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.enter(SPACE);
            read.set(String.valueOf((char) c.sys.loadByte(code)));
            c.sys.storeByte(code, (byte) 'X'); // no private copy of the code: the handler hears
          });
      assertThat(read.get()).as("console: %s", s.console()).isEqualTo("c");
      assertThat(t.keeperSaw)
          .containsExactly("fc=" + FaultCode.ACCESS_VIOLATION + " at=" + Long.toHexString(code));
      assertThat(s.k.inspect(t.scenario).faultInfo()).isEqualTo(code);
      assertThat(s.k.readPage(t.code, 0, CODE_BYTES.length)).isEqualTo(CODE_BYTES);
    }
  }

  @Test
  void destroyingTheServersBankMakesTheSpaceBehaveAsNull() throws Exception {
    Setup t = new Setup();
    try (SpaceSystem s = t.s) {
      AtomicLong used = new AtomicLong(-1);
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            c.enter(SPACE);
            c.sys.storeLong(0x2000, 7);
            used.set(c.pagesUsed(BANK));
            c.bank.destroy(reg(BANK));
            c.sys.loadLong(0x2000);
          });
      assertThat(used.get()).as("console: %s", s.console()).isGreaterThanOrEqualTo(1);
      assertThat(t.keeperSaw)
          .containsExactly("fc=" + FaultCode.INVALID_DATA_REFERENCE + " at=2000");
    }
  }

  @Test
  void theSpaceFacetAnswersElfSpaceAndTheHandlerFacetMemoryHandler() throws Exception {
    Setup t = new Setup();
    try (SpaceSystem s = t.s) {
      AtomicReference<String> types = new AtomicReference<>();
      t.run(
          c -> {
            c.bank.createChild(PRIME, reg(BANK));
            c.startServer(SERVER, t.server.pc(), BANK, SPACE);
            types.set(
                Long.toHexString(c.elf.getType(reg(SERVER + 2)))
                    + " "
                    + Long.toHexString(c.elf.getType(reg(HANDLER))));
          });
      assertThat(types.get())
          .isEqualTo(
              Long.toHexString(ElfSpaceCodes.IKT) + " " + Long.toHexString(MemoryHandlerCodes.IKT));
    }
  }
}
