package jackal.image;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.CodeNames;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Booting images from source as {@code jackal run FILE.mki} does: programs loaded from jars, banks
 * and what they own, and the errors (each with its position) of the builtins that load programs and
 * make banks.
 */
class ImageBootTest {
  @TempDir Path dir;

  /** Boots {@code module t { BODY }} from file t.mki; the body starts on line 2. */
  private Booted boot(String body) throws IOException, InterruptedException {
    Path file = dir.resolve("t.mki");
    Files.writeString(file, "module t {\n" + body + "\n}\n");
    return Booted.boot(file);
  }

  /** The one error line the image printed, its file shown as t.mki. */
  private String error(String body) throws IOException, InterruptedException {
    Booted b = boot(body);
    assertThat(b.status()).as(b.console() + b.errors()).isEqualTo(2);
    return b.errors().strip().replace(dir.resolve("t.mki").toString(), "t.mki");
  }

  private static final String PROC = "import proc = jackal.process; import rt = jackal.runtime;\n";

  // ---- programs ----

  @Test
  void aProgramLoadedFromAJarOnTheSearchPathRuns() throws Exception {
    Booted b =
        boot(
            PROC
                + "def p = proc.load(PrimeBank, \"coyotos-tests.jar\","
                + " \"jackal.image.coyotos.HelloWorld\");\n"
                + "p.capReg[rt.REG.APP0] = KernLog();");
    assertThat(b.console()).contains("hello, world");
    assertThat(b.status()).isZero();
  }

  @Test
  void aJarNextToTheImageIsFoundWithoutTheSearchPath() throws Exception {
    Files.copy(Booted.jars().resolve("coyotos-tests.jar"), dir.resolve("mine.jar"));
    Path file = dir.resolve("t.mki");
    Files.writeString(
        file,
        "module t {\n"
            + PROC
            + "def p = proc.load(PrimeBank, \"mine.jar\", \"jackal.image.coyotos.HelloWorld\");\n"
            + "p.capReg[rt.REG.APP0] = KernLog();\n}\n");
    Booted b = Booted.boot(file, List.of());
    assertThat(b.console()).contains("hello, world");
  }

  /**
   * coyotos-tests.jar copied next to the image as mine.jar, with a names resource {@code names}.
   */
  private void jarWithNames(String names) throws IOException {
    byte[] jar = Files.readAllBytes(Booted.jars().resolve("coyotos-tests.jar"));
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar));
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(dir.resolve("mine.jar")))) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(in.readAllBytes());
      }
      out.putNextEntry(new ZipEntry("META-INF/jackal/capidl-names.txt"));
      out.write(names.getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theCapIdlNamesAJarCarriesNameItsCallsInTraces() throws Exception {
    jarWithNames(
        "# names\nmethod 0x7e57c0de mine.Probe.poke\nexception 0x7e57c0de00000001"
            + " mine.Probe.Broken\n");
    Booted b =
        boot(
            PROC
                + "def p = proc.load(PrimeBank, \"mine.jar\","
                + " \"jackal.image.coyotos.HelloWorld\");\n"
                + "p.capReg[rt.REG.APP0] = KernLog();");
    assertThat(b.console()).contains("hello, world");
    assertThat(CodeNames.method(0x7e57c0de)).isEqualTo("mine.Probe.poke");
    assertThat(CodeNames.exception(0x7e57c0de00000001L)).isEqualTo("mine.Probe.Broken");
  }

  @Test
  void aMalformedNamesResourceInAJarIsAnErrorNamingTheJarAndLine() throws Exception {
    jarWithNames("# names\nmethod 0x12 a.B.c\nmethod twelve a.B.d\n");
    assertThat(error("def x = load_program(PrimeBank,\n   \"mine.jar\", \"a.B\");"))
        .startsWith("t.mki:3:4: ")
        .contains("mine.jar: META-INF/jackal/capidl-names.txt line 3 is malformed")
        .endsWith("method twelve a.B.d");
  }

  @Test
  void aMissingJarIsAnErrorAtItsName() throws Exception {
    assertThat(error("def x = load_program(PrimeBank,\n   \"nope.jar\", \"a.B\");"))
        .startsWith("t.mki:3:4: program jar nope.jar not found next to the image or in [");
  }

  @Test
  void aRefusedProgramIsAnErrorCarryingTheVerifiersFinding() throws Exception {
    String e =
        error(
            "def x = load_program(PrimeBank, \"refused.jar\",\n"
                + "  \"jackal.image.refused.Forbidden\");");
    assertThat(e)
        .startsWith("t.mki:3:3: program refused.jar is refused: ")
        .contains(
            "class jackal.image.refused.Forbidden",
            "method run(Ljackal/kernel/api/SystemCalls;)V",
            "offset ",
            "reached java.lang.Thread");
  }

  @Test
  void anEntryClassNotInTheJarIsAnErrorAtTheEntry() throws Exception {
    assertThat(error("def x = load_program(PrimeBank, \"coyotos-tests.jar\", \"no.Such\");"))
        .startsWith("t.mki:2:54: program coyotos-tests.jar is refused: ")
        .contains("no.Such");
  }

  @Test
  void dataPagesOutOfRangeAreAnError() throws Exception {
    assertThat(error("def x = load_program(PrimeBank, \"coyotos-tests.jar\", \"a.B\", 5000);"))
        .isEqualTo("t.mki:2:61: data pages must be an integer 0..4096");
  }

  @Test
  void loadProgramNeedsABank() throws Exception {
    assertThat(error("def x = load_program(7, \"coyotos-tests.jar\", \"a.B\");"))
        .isEqualTo("t.mki:2:22: a bank is needed here, not an integer");
  }

  @Test
  void anUnknownBuiltInJarIsAnError() throws Exception {
    assertThat(error("def x = load_program(PrimeBank, \"jackal:nope\", \"a.B\");"))
        .isEqualTo("t.mki:2:33: no built-in program jar jackal:nope (there is jackal:tour)");
  }

  @Test
  void startNeedsAProcess() throws Exception {
    assertThat(
            error(
                "def prog = load_program(PrimeBank, \"jackal:tour\", \"jackal.image.tour.Echo\");\n"
                    + "start(new Page(PrimeBank), prog);"))
        .isEqualTo("t.mki:3:7: start needs a Process capability, not a Page capability");
  }

  @Test
  void startNeedsAProgram() throws Exception {
    assertThat(error("start(new Process(PrimeBank), 42);"))
        .isEqualTo("t.mki:2:31: a program (from load_program) is needed here, not an integer");
  }

  @Test
  void launchNeedsASpaceServer() throws Exception {
    assertThat(error("launch(new Process(PrimeBank), PrimeBank);"))
        .isEqualTo(
            "t.mki:2:32: a space server (from ProgramSpaceServer or VirtualCopyServer) is needed"
                + " here, not a bank");
  }

  // ---- banks ----

  @Test
  void objectsMadeOnASubBankAreItsOwnAndDieWithIt() throws Exception {
    Booted b =
        boot(
            PROC
                + "def bank = new Bank(PrimeBank);\n"
                + "def p = proc.load(PrimeBank, \"coyotos-tests.jar\","
                + " \"jackal.image.coyotos.BankProbe\");\n"
                + "p.capReg[rt.REG.APP0] = KernLog();\n"
                + "p.capReg[rt.REG.APP0 + 1] = bank;\n"
                + "p.capReg[rt.REG.APP0 + 2] = new Page(bank);\n"
                + "def other = new Page(bank);");
    assertThat(b.console())
        .contains("pages used 2", "page before: a Page", "page after: not a Page");
    assertThat(b.status()).as(b.console()).isZero();
  }

  @Test
  void aSubBankOfASubBankCountsTowardsItsParent() throws Exception {
    Booted b =
        boot(
            PROC
                + "def bank = new Bank(PrimeBank);\n"
                + "def inner = new Bank(bank);\n"
                + "def p = proc.load(PrimeBank, \"coyotos-tests.jar\","
                + " \"jackal.image.coyotos.BankProbe\");\n"
                + "p.capReg[rt.REG.APP0] = KernLog();\n"
                + "p.capReg[rt.REG.APP0 + 1] = bank;\n"
                + "p.capReg[rt.REG.APP0 + 2] = new Page(inner);\n"
                + "def more = new Page(inner); def most = new Page(inner);");
    assertThat(b.console())
        .contains("pages used 3", "page before: a Page", "page after: not a Page");
  }

  @Test
  void thePrimeBankHasNoLimits() throws Exception {
    assertThat(error("bank_limit(PrimeBank, \"Page\", 3);"))
        .isEqualTo("t.mki:2:12: the prime bank has no limits");
  }

  @Test
  void aLimitNamesAnObjectKind() throws Exception {
    assertThat(error("bank_limit(new Bank(PrimeBank), \"Pages\", 3);"))
        .isEqualTo("t.mki:2:33: no object kind 'Pages': Page, CapPage, GPT, Process or Endpoint");
  }

  @Test
  void aLimitIsNotNegative() throws Exception {
    assertThat(error("bank_limit(new Bank(PrimeBank), \"Page\", -1);"))
        .isEqualTo("t.mki:2:41: a limit must be an integer of at least 0");
  }

  @Test
  void bankRestrictionsAreSixteenBits() throws Exception {
    assertThat(error("def c = bank_cap(PrimeBank, 65536);"))
        .isEqualTo("t.mki:2:29: bank restrictions must be an integer 0..65535");
  }

  // ---- files ----

  @Test
  void aMissingImageFileIsAnErrorWithStatusTwo() throws Exception {
    Booted b = Booted.boot(dir.resolve("absent.mki"));
    assertThat(b.status()).isEqualTo(2);
    assertThat(b.errors()).startsWith("jackal: cannot read the image: ").contains("absent.mki");
  }

  @Test
  void theStandardModulesAreOnTheSearchPath() throws Exception {
    Booted b = boot("import rt = jackal.runtime; print rt.REG.APP0; print rt.TOOL.DISCRIM;");
    assertThat(b.console()).startsWith("8\n0\n");
  }
}
