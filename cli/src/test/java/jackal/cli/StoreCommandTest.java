package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jackal run --store DIR} (boot, stop, resume) and {@code jackal store show|check}. */
class StoreCommandTest {
  @TempDir Path dir;

  private final StringWriter err = new StringWriter();
  private ByteArrayOutputStream console = new ByteArrayOutputStream();

  private int run(String... args) {
    console = new ByteArrayOutputStream();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(new PrintStream(console, true, StandardCharsets.UTF_8), true));
    cmd.setErr(new PrintWriter(err, true));
    PrintStream saved = System.out;
    PrintStream savedErr = System.err;
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      return cmd.execute(args);
    } finally {
      System.setOut(saved);
      System.setErr(savedErr);
    }
  }

  private String printed() {
    return console.toString(StandardCharsets.UTF_8);
  }

  private Path pairSource() throws Exception {
    Path p = dir.resolve("pair.mki");
    Files.writeString(
        p,
        """
        module pair {
          def p = new Process(PrimeBank);
          def ep = new Endpoint(PrimeBank);
          ep.recipient = p;
          ep.pm = 1;
          p.capReg[4] = enter(ep, 1);
        }
        """);
    return p;
  }

  @Test
  void aSystemBootedIntoAStoreIsResumedFromItAndTheStoreChecksGood() throws Exception {
    Path store = dir.resolve("sys");
    String src = pairSource().toString();
    assertThat(run("run", src, "--store", store.toString(), "--cpus", "1")).isZero();
    assertThat(printed())
        .contains("jackal: booting " + src + " into " + store + " (generation 1)")
        .contains("jackal: checkpoint 2 written");

    assertThat(run("run", "--store", store.toString(), "--cpus", "1")).isZero();
    assertThat(printed()).contains("jackal: resuming " + store + " at generation 2 (2 objects)");

    assertThat(run("store", "show", store.toString())).isZero();
    assertThat(printed())
        .contains("generation 3 of 3 in the log")
        .contains("full")
        .contains("incremental")
        .contains("reg 4: Entry -> endpoint#0 (pp 1");

    assertThat(run("store", "check", store.toString())).isZero();
    assertThat(printed()).contains("store check: ok");
  }

  @Test
  void namingAnImageForAStoreThatHoldsASystemIsAnErrorThatSaysSo() throws Exception {
    Path store = dir.resolve("sys");
    String src = pairSource().toString();
    assertThat(run("run", src, "--store", store.toString(), "--cpus", "1")).isZero();
    assertThat(run("run", src, "--store", store.toString(), "--cpus", "1"))
        .isEqualTo(Main.EXIT_USAGE);
    assertThat(printed())
        .contains(store + " already holds a system")
        .contains("run without IMAGE to resume it");
  }

  @Test
  void aCorruptedStoreIsRefusedByCheckAndByRunNamingTheFileGenerationAndOffset() throws Exception {
    Path store = dir.resolve("sys");
    assertThat(run("run", pairSource().toString(), "--store", store.toString(), "--cpus", "1"))
        .isZero();
    try (FileChannel ch =
        FileChannel.open(store.resolve("log/segment-000001.jkl"), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x55}), 100);
    }
    assertThat(run("store", "check", store.toString())).isEqualTo(1);
    assertThat(printed())
        .contains("log/segment-000001.jkl, generation 1, offset 40: checksum mismatch");
    assertThat(run("run", "--store", store.toString(), "--cpus", "1")).isEqualTo(1);
    assertThat(printed()).contains("generation 1, offset 40: checksum mismatch");
  }

  @Test
  void theTourBootedIntoAStoreRunsAgainFromItsStartWhenResumed() throws Exception {
    Path store = dir.resolve("tour");
    assertThat(run("run", "--store", store.toString(), "--cpus", "2")).isZero();
    assertThat(printed()).contains("into " + store + " (generation 1)").contains("jackal: halted");
    // Its services wait in their loops with Java stacks: no later cut can hold them yet.
    assertThat(printed()).contains("the last checkpoint was not taken");
    assertThat(run("run", "--store", store.toString(), "--cpus", "2")).isZero();
    assertThat(printed())
        .contains("jackal: resuming " + store + " at generation 1")
        .contains("jackal: halted");
  }
}
