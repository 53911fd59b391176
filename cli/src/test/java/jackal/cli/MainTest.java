package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
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
            "jackal: halted")
        .doesNotContain("all processes idle");
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
}
