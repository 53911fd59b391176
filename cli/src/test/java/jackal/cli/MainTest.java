package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  /**
   * What {@code args} print and return through {@code cmd}: status, standard out, standard error.
   */
  private static List<String> outcome(CommandLine cmd, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    cmd.setOut(new PrintWriter(o, true));
    cmd.setErr(new PrintWriter(e, true));
    int status = cmd.execute(args);
    return List.of(String.valueOf(status), o.toString(), e.toString());
  }

  @Test
  void runThroughTheShortTreeReadsAsThroughTheWholeTree() {
    List<List<String>> cases =
        List.of(
            List.of("run", "--help"),
            List.of("run", "--no-such-option"),
            List.of("run", "--cpus", "4", "--nodes", "0,x/2,3"),
            List.of("run", "--cpus", "nope"),
            List.of("run", "a.mki", "b.mki"));
    for (List<String> c : cases) {
      String[] args = c.toArray(String[]::new);
      assertThat(Main.commandLine(args).getSubcommands().keySet())
          .as("the short tree has run alone")
          .containsExactly("run");
      assertThat(outcome(Main.commandLine(args), args))
          .as(String.join(" ", c))
          .isEqualTo(outcome(Main.commandLine(), args));
    }
    assertThat(Main.commandLine("bench").getSubcommands()).containsKeys("run", "image", "bench");
  }

  @Test
  void nodesOptionNamesSetsOfCpusAsMasks() {
    assertThat(Main.Run.parseNodes("0,1/2,3")).containsExactly(0b0011L, 0b1100L);
    assertThat(Main.Run.parseNodes("0,2/1,3")).containsExactly(0b0101L, 0b1010L);
  }

  @Test
  void nodesOptionThatIsNotCpuNumbersIsRefused() {
    assertThat(run("run", "--cpus", "4", "--nodes", "0,x/2,3")).isNotZero();
    assertThat(err.toString()).contains("not a CPU number");
  }

  @Test
  void crossCpuCallsOptionNamesTheKernelsThreeChoices() {
    assertThat(Main.Run.parseCrossCpuCalls("at-caller"))
        .isEqualTo(jackal.kernel.boot.KernelConfig.CrossCpuCalls.AT_CALLER);
    assertThat(Main.Run.parseCrossCpuCalls("ship"))
        .isEqualTo(jackal.kernel.boot.KernelConfig.CrossCpuCalls.SHIP);
    assertThat(Main.Run.parseCrossCpuCalls("ship-and-stay"))
        .isEqualTo(jackal.kernel.boot.KernelConfig.CrossCpuCalls.SHIP_AND_STAY);
  }

  @Test
  void crossCpuCallsOptionThatIsNoChoiceIsRefusedNamingTheChoices() {
    assertThat(run("run", "--cross-cpu-calls", "SHIP")).isEqualTo(2);
    assertThat(err.toString())
        .contains("--cross-cpu-calls: at-caller, ship or ship-and-stay, not 'SHIP'");
  }

  @Test
  void theTourRunsWithCrossCpuCallsRunAtTheCaller() {
    String out = runCapturing(0, "run", "--cpus", "2", "--cross-cpu-calls", "at-caller");
    assertThat(out).contains("tour: done");
  }

  @Test
  void helpListsTheCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("run", "bench", "test", "--version");
  }

  @Test
  void versionNamesJackal() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("jackal ");
  }

  @Test
  void unknownCommandIsOneLineErrorAndExit2() {
    assertThat(run("nonsense")).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "jackal: Unmatched argument at index 0: 'nonsense'", "Try 'jackal --help'.");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void unknownOptionOfSubcommandPointsToItsHelp() {
    assertThat(run("run", "--bogus")).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(2).last().isEqualTo("Try 'jackal run --help'.");
  }

  @Test
  void missingCommandIsUsageError() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).startsWith("jackal: missing command");
  }

  /** {@code jackal run ARGS} with standard output captured; returns status and output. */
  private String runCapturing(int expectedStatus, String... args) {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int status;
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      status = run(args);
    } finally {
      System.setOut(saved);
    }
    assertThat(status).as(err.toString()).isEqualTo(expectedStatus);
    return console.toString(StandardCharsets.UTF_8);
  }

  @Test
  void runDumpPrintsEveryProcessAndItsCapabilitiesWhenTheSystemSettles() {
    String out = runCapturing(0, "run", "--cpus", "2", "--dump");
    assertThat(out).contains("system (running)", "cpu 0: ", "cpu 1: ", "pages: ", "jackal: halted");
    assertThat(
            out.lines()
                .filter(
                    l -> l.matches("process \\S+#\\d+: (running|receiving|faulted|exited), .*")))
        .isNotEmpty();
    assertThat(out.lines().filter(l -> l.matches("  reg \\d+: Entry -> endpoint#\\d+ \\(pp .*")))
        .isNotEmpty();
    assertThat(out.lines().filter(l -> l.matches("endpoint#\\d+: id \\d+, recipient .*")))
        .isNotEmpty();
    // The tour's banks: the prime bank and the server's own bank (destroyed later in the tour).
    assertThat(out).contains("banks (as the space bank keeps them now):\n  prime bank#");
    assertThat(out.lines().filter(l -> l.matches("  bank#\\d+ \\(in bank#\\d+\\): usage .*")))
        .isNotEmpty();
  }

  @Test
  void runDumpDotPrintsTheCapabilityGraph() {
    String out = runCapturing(0, "run", "--cpus", "2", "--dump=dot");
    assertThat(out).contains("digraph jackal {", "[shape=box, label=", "[shape=ellipse, label=");
  }

  @Test
  void runTraceTagsTheGuidesLogLinesAndTracesItsCalls() {
    String out = runCapturing(0, "run", "--cpus", "2", "--trace");
    assertThat(out.lines().filter(l -> l.matches("\\S+#\\d+: tour: 1\\. hello.*"))).hasSize(1);
    assertThat(
            out.lines()
                .filter(l -> l.matches("\\S+#\\d+ -> KernLog\\.log\\(\\.\\.\\.\\) = OK \\d+ ns")))
        .hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void runTraceNamesTheServicesMethodsFromTheirCapIdl() {
    String out = runCapturing(0, "run", "--cpus", "2", "--trace");
    String ok = "\\(\\.\\.\\.\\) \\[ep \\d+, pp \\d+\\] at \\S+#\\d+ = OK \\d+ ns";
    for (String method :
        List.of(
            "SpaceBank\\.alloc",
            "SpaceBank\\.getUsage",
            "Constructor\\.create",
            "Builder\\.seal",
            "IoStream\\.doWrite",
            "IoStream\\.doRead")) {
      assertThat(out.lines().filter(l -> l.matches("guide#\\d+ -> " + method + ok)))
          .as(method)
          .isNotEmpty();
    }
  }

  @Test
  void runTraceNamesTheMethodsOfAUsersOwnCapIdlInterface() {
    String kv =
        Path.of(System.getProperty("basedir", "."))
            .resolve("../examples/kv/kv.mki")
            .normalize()
            .toString();
    String out = runCapturing(0, "run", kv, "--cpus", "2", "--trace-interface", "KeyValue");
    String ok = "\\(\\.\\.\\.\\) \\[ep \\d+, pp [01]\\] at server#\\d+ = OK \\d+ ns";
    for (String method : List.of("put", "get", "size", "readOnly")) {
      assertThat(out.lines().filter(l -> l.matches("client#\\d+ -> KeyValue\\." + method + ok)))
          .as(method + " in:\n" + out)
          .isNotEmpty();
    }
    // The read-only facet's refused put, and the missing key's exception, by name.
    assertThat(out)
        .containsPattern(
            "client#\\d+ -> KeyValue\\.put\\(\\.\\.\\.\\) \\[ep \\d+, pp 1\\] .* = NoAccess ")
        .containsPattern(
            "client#\\d+ -> KeyValue\\.get\\(\\.\\.\\.\\) \\[ep \\d+, pp 0\\] .* = NotFound ");
  }

  @Test
  void runTraceFilteredToOneInterfacePrintsOnlyItsCalls() {
    String out = runCapturing(0, "run", "--cpus", "2", "--trace-interface", "KernLog");
    var calls = out.lines().filter(l -> l.matches("\\S+#\\d+ -> .*")).toList();
    assertThat(calls).hasSizeGreaterThanOrEqualTo(5);
    assertThat(calls).allSatisfy(l -> assertThat(l).contains(" -> KernLog.log(...) = "));
    assertThat(out.lines().filter(l -> l.matches("\\S+#\\d+: tour: .*"))).isEmpty();
  }

  @Test
  void runDumpRefusesAnUnknownFormat() {
    assertThat(run("run", "--dump=svg")).isNotZero();
  }

  @Test
  void runWithNoImageBootsTheTourWhichHaltsThroughSysCtl() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    int status;
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      status = run("run", "--cpus", "2");
    } finally {
      System.setOut(saved);
    }
    assertThat(status).isZero();
    assertThat(console.toString(StandardCharsets.UTF_8))
        .contains(
            "tour: 1. hello",
            "tour: 2. a bank",
            "tour: 3. a constructor",
            "(confined)",
            "echo(41) = 42",
            "tour: 4. a stream: read back 'bytes through a pipe'",
            "tour: 5. a revocation",
            "once the bank was destroyed it is gone (UnknownRequest, as a Null capability answers)",
            "jackal: halted")
        .doesNotContain("all processes idle");
  }

  /** Runs with System.out and System.err captured: {status, out, err}. */
  private Object[] runCaptured(String... args) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = run(args);
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
    return new Object[] {
      status, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)
    };
  }

  @Test
  void runBootsAnImageFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("echo.mki");
    Files.writeString(
        file,
        "module echo { import proc = jackal.process; print \"building\";\n"
            + "  proc.load(PrimeBank, \"jackal:tour\", \"jackal.image.tour.Echo\"); }\n");
    Object[] r = runCaptured("run", "--cpus", "2", file.toString());
    assertThat(r[0]).as("%s%s", r[1], r[2]).isEqualTo(0);
    assertThat((String) r[1]).startsWith("building\n").contains("jackal: all processes idle");
  }

  @Test
  void runOfAnImageWithAnErrorPrintsItsPositionAndEndsWithStatusTwo(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("bad.mki");
    Files.writeString(file, "module bad {\n  def b = new Bank(PrimeBnk);\n}\n");
    Object[] r = runCaptured("run", file.toString());
    assertThat(r[0]).isEqualTo(2);
    assertThat(((String) r[2]).lines())
        .containsExactly(file + ":2:20: unknown identifier 'PrimeBnk'");
  }

  @Test
  void runLooksForModulesInTheIncludedDirectories(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("lib/my"));
    Files.writeString(
        dir.resolve("lib/my/greeting.mki"), "module my.greeting { export def text = \"hi\"; }\n");
    Path file = dir.resolve("main.mki");
    Files.writeString(file, "module main { import g = my.greeting; print g.text; }\n");
    Object[] r = runCaptured("run", "-I", dir.resolve("lib").toString(), file.toString());
    assertThat(r[0]).as("%s%s", r[1], r[2]).isEqualTo(0);
    assertThat((String) r[1]).startsWith("hi\n");
  }

  @Test
  void everySubcommandAnswersHelp() {
    for (String command : new String[] {"run", "bench", "soak", "test"}) {
      out.getBuffer().setLength(0);
      assertThat(run(command, "--help")).as(command).isZero();
      assertThat(out.toString()).as(command).startsWith("Usage: jackal " + command);
      assertThat(err.toString()).as(command).isEmpty();
    }
  }

  @Test
  void runHelpSaysWhatTheExitStatusMeans() {
    assertThat(run("run", "--help")).isZero();
    assertThat(out.toString()).contains("status 0", "fault nobody handled", "--cpus");
  }

  /** Every command line naming a command: {@code jackal}, {@code jackal image build}, ... */
  private static void commands(CommandLine cmd, List<String> prefix, List<List<String>> into) {
    into.add(prefix);
    for (var e : cmd.getSubcommands().entrySet()) {
      List<String> next = new ArrayList<>(prefix);
      next.add(e.getKey());
      commands(e.getValue(), next, into);
    }
  }

  @Test
  void everyCommandAtEveryDepthAnswersHelpWithItsOwnUsage() {
    List<List<String>> all = new ArrayList<>();
    commands(Main.commandLine(), List.of(), all);
    // The walk finds the nested commands too, not only the first level.
    assertThat(all)
        .contains(
            List.of("run"),
            List.of("image", "build"),
            List.of("image", "show"),
            List.of("store", "show"),
            List.of("store", "check"),
            List.of("soak", "ledger"),
            List.of("bench"),
            List.of("test"));
    for (List<String> command : all) {
      out.getBuffer().setLength(0);
      err.getBuffer().setLength(0);
      List<String> args = new ArrayList<>(command);
      args.add("--help");
      String name = String.join(" ", command);
      assertThat(run(args.toArray(String[]::new))).as(name).isZero();
      assertThat(out.toString()).as(name).startsWith("Usage: " + ("jackal " + name).strip() + " ");
      assertThat(err.toString()).as(name).isEmpty();
    }
  }
}
