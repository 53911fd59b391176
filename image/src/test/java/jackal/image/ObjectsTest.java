package jackal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import jackal.image.eval.Interpreter;
import jackal.image.eval.Value;
import jackal.image.eval.Value.Cap;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Objects made through the boot API of a kernel that is created but never booted. */
class ObjectsTest {
  private Kernel kernel;
  private ByteArrayOutputStream printed;
  private Interpreter interp;

  @BeforeEach
  void setUp() {
    kernel = Kernel.create(KernelConfig.defaults().withCpus(1).withCpusPerNode(1));
    printed = new ByteArrayOutputStream();
    interp =
        new Interpreter(
            List.of(),
            new PrintStream(printed, true, StandardCharsets.UTF_8),
            Interpreter.DEFAULT_MAX_DEPTH,
            kernel);
  }

  @AfterEach
  void tearDown() {
    kernel.close();
  }

  private Value.Namespace run(String body) throws ImageException {
    return interp.runSource("o.mki", "module o {\n" + body + "\n}");
  }

  private String output() {
    return printed.toString(StandardCharsets.UTF_8);
  }

  private ImageException error(String body) {
    return assertThatExceptionOfType(ImageException.class).isThrownBy(() -> run(body)).actual();
  }

  @Test
  void newMakesEveryObjectKindFromPrimeBank() throws Exception {
    run(
        "print new Page(PrimeBank); print new CapPage(PrimeBank); print new GPT(PrimeBank);"
            + " print new Endpoint(PrimeBank); print new Process(PrimeBank);");
    assertThat(output().lines().map(l -> l.substring(0, l.indexOf('('))))
        .containsExactly("Page", "CapPage", "GPT", "Endpoint", "Process");
    assertThat(interp.processes()).hasSize(1);
  }

  @Test
  void aModuleLevelDefinitionNamesTheProcessItHoldsWhateverProcedureMadeIt() throws Exception {
    run(
        "def make(b) { def inner = new Process(b); inner; }\n"
            + "def server = make(PrimeBank);\n"
            + "def alias = server;\n"
            + "def client = new Process(PrimeBank);");
    assertThat(kernel.view().processes().stream().map(p -> p.label()))
        .hasSize(2)
        .anyMatch(l -> l.startsWith("server#"))
        .anyMatch(l -> l.startsWith("client#"))
        .noneMatch(l -> l.startsWith("alias") || l.startsWith("inner") || l.startsWith("process@"));
  }

  @Test
  void newNeedsABank() {
    assertThat(error("def p = new Page(\n  42);").getMessage())
        .isEqualTo("o.mki:3:3: 'new Page' needs a bank, not an integer");
  }

  @Test
  void newBankMakesASubBankWhoseParentIsTheBankGiven() throws Exception {
    run("def b = new Bank(PrimeBank); def c = new Bank(b); print b; print c;");
    assertThat(output().lines()).hasSize(2).allMatch(l -> l.startsWith("<bank bank@o.mki:"));
    assertThat(interp.finish()).as("the space bank process runs at boot").hasSize(1);
  }

  @Test
  void aBankStoredInARegisterIsItsSpaceBankCapability() throws Exception {
    run("def p = new Process(PrimeBank); p.capReg[3] = new Bank(PrimeBank); print p.capReg[3];");
    assertThat(output()).startsWith("Entry");
  }

  @Test
  void endpointFieldsReachTheKernel() throws Exception {
    Value.Namespace ns =
        run(
            "def p = new Process(PrimeBank); export def ep = new Endpoint(PrimeBank);"
                + " ep.recipient = p; ep.endpointID = 7; ep.pm = 1; ep.protPayload = 0xfffffff0;"
                + " print ep.endpointID; print ep.pm; print ep.recipient == p;");
    Cap ep = (Cap) ns.members().get("ep");
    assertThat(kernel.protectedPayload(ep.object())).isEqualTo(0xfffffff0);
    assertThat(output()).isEqualTo("7\n1\ntrue\n");
  }

  @Test
  void anEndpointsRecipientMustBeAProcess() {
    assertThat(
            error("def ep = new Endpoint(PrimeBank); ep.recipient = new Page(PrimeBank);").detail())
        .isEqualTo("an endpoint's recipient must be a Process, not a Page");
  }

  @Test
  void processRegistersAndSpaceHoldCapabilities() throws Exception {
    run(
        "def p = new Process(PrimeBank); def g = new GPT(PrimeBank);"
            + " p.capReg[5] = KernLog(); p.addrSpace = g; p.handler = NullCap();"
            + " print p.capReg[5]; print p.capReg[6]; print p.addrSpace == g;");
    assertThat(output()).isEqualTo("KernLog\nNull\ntrue\n");
  }

  @Test
  void registerZeroIsAlwaysNull() {
    assertThat(error("def p = new Process(PrimeBank); p.capReg[0] = KernLog();").getMessage())
        .isEqualTo("o.mki:2:41: capability register 0 is always Null");
  }

  @Test
  void aSlotOutOfRangeIsRefused() {
    assertThat(error("def g = new GPT(PrimeBank); g.cap[16] = NullCap();").detail())
        .isEqualTo("slot 16 is out of range: GPT cap has slots 0..15");
  }

  @Test
  void aSlotHoldsOnlyCapabilities() {
    assertThat(error("def p = new Process(PrimeBank); p.capReg[5] = 3;").getMessage())
        .isEqualTo("o.mki:2:47: capReg[5] holds a capability, not an integer");
  }

  @Test
  void gptFieldsAndSlots() throws Exception {
    run(
        "def g = new GPT(PrimeBank); g.l2v = 20; g.ha = 1; g.bg = 1; g.cap[15] = KernLog();"
            + " print g.l2v; print g.ha; print g.cap[15];");
    assertThat(output()).isEqualTo("20\n1\nKernLog\n");
  }

  @Test
  void l2vBelowThePageSizeIsRefused() {
    assertThat(error("def g = new GPT(PrimeBank); g.l2v = 11;").detail())
        .isEqualTo("l2v must be at least 12 (the page size), not 11");
  }

  @Test
  void aCapPageIsIndexedDirectly() throws Exception {
    run("def cp = new CapPage(PrimeBank); cp[255] = Sleep(); print cp[255]; print cp[0];");
    assertThat(output()).isEqualTo("Sleep\nNull\n");
  }

  @Test
  void anUnknownFieldOfAnObjectIsNamed() {
    assertThat(error("def p = new Process(PrimeBank); p.capRegs[1] = NullCap();").getMessage())
        .isEqualTo("o.mki:2:35: a Process has no field 'capRegs'");
  }

  @Test
  void processFieldsTheBootApiCannotSetAreRefusedByName() {
    assertThat(error("def p = new Process(PrimeBank); p.faultCode = 25;").detail())
        .isEqualTo("field 'faultCode' of a Process cannot be set yet by this interpreter");
  }

  @Test
  void enterMakesAnEntryCapabilityCarryingThePayload() throws Exception {
    run("def ep = new Endpoint(PrimeBank); print enter(ep, 5); print AppInt(ep, 3);");
    assertThat(output().lines().toList()).hasSize(2);
    assertThat(output()).startsWith("Entry(").contains("\nAppNotice(");
  }

  @Test
  void enterNeedsAnEndpoint() {
    assertThat(error("def p = new Process(PrimeBank); def e = enter(p, 0);").getMessage())
        .isEqualTo("o.mki:2:47: enter needs an Endpoint capability, not a Process capability");
  }

  @Test
  void theMemoryTransformsSetTheirRestrictionBits() throws Exception {
    run(
        "def pg = new Page(PrimeBank); def g = new GPT(PrimeBank);"
            + " print readonly(pg); print weaken(pg); print noexec(pg); print opaque(g);"
            + " print nocall(g); print readonly(noexec(pg));");
    assertThat(output().lines().map(l -> l.replaceAll(".*restr=(0x[0-9a-f]+).*", "$1")))
        .containsExactly("0x2", "0x3", "0x4", "0x8", "0x10", "0x6");
  }

  @Test
  void opaqueAppliesOnlyToAGpt() {
    assertThat(error("def pg = new Page(PrimeBank); def x = opaque(pg);").detail())
        .isEqualTo("opaque needs a GPT capability, not a Page capability");
  }

  @Test
  void readonlyRefusesAnEndpoint() {
    assertThat(error("def ep = new Endpoint(PrimeBank); def x = readonly(ep);").detail())
        .isEqualTo("readonly needs a Page, CapPage or GPT capability, not an Endpoint capability");
  }

  @Test
  void guardSetsMatchAndL2g() throws Exception {
    run("def g = new GPT(PrimeBank); print guard(g, 0x30000, 16);");
    assertThat(output()).contains("w1=0x310)");
  }

  @Test
  void aGuardWithBitsBelowL2gIsRefused() {
    assertThat(error("def g = new GPT(PrimeBank); def x = guard(g, 0x30001, 16);").detail())
        .isEqualTo("guard 0x30001 has bits below 2^16");
  }

  @Test
  void aRestrictedCapabilityCannotChangeItsObject() {
    assertThat(error("def g = new GPT(PrimeBank); def r = readonly(g); r.l2v = 20;").detail())
        .isEqualTo("cannot assign field 'l2v' through a restricted GPT capability");
  }

  @Test
  void kernelCapabilityBuiltinsNameTheirService() throws Exception {
    run(
        "print KeyBits(); print Discrim(); print Range(); print Sleep(); print IrqCtl();"
            + " print SchedCtl(); print Checkpoint(); print ObStore(); print IoPerm();"
            + " print PinCtl(); print SysCtl(); print KernLog(); print NullCap();");
    assertThat(output().lines()).hasSize(13).doesNotHaveDuplicates();
  }

  @Test
  void addingAStringToACapabilityIsATypeError() {
    assertThat(error("print \"log: \" + KernLog();").getMessage())
        .isEqualTo(
            "o.mki:2:15: operator '+' needs two integers or two strings, not a string and a"
                + " capability");
  }

  @Test
  void printStarListsWhatTheImageSet() throws Exception {
    run("def ep = new Endpoint(PrimeBank); ep.endpointID = 9; print * ep;");
    assertThat(output()).startsWith("Endpoint Endpoint(").contains("\n  endpointID = 9\n");
  }
}
