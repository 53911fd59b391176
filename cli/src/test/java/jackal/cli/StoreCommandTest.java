package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.store.Store;
import jackal.image.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
      ch.write(ByteBuffer.wrap(new byte[] {0x55}), 8192 + 60); // in generation 1's body
    }
    assertThat(run("store", "check", store.toString())).isEqualTo(1);
    assertThat(printed())
        .contains("log/segment-000001.jkl, generation 1, offset 8232: checksum mismatch");
    assertThat(run("run", "--store", store.toString(), "--cpus", "1")).isEqualTo(1);
    assertThat(printed()).contains("generation 1, offset 8232: checksum mismatch");
  }

  @Test
  void theTourKilledAfterThreeCheckpointsResumesFromTheStoreAndEndsAsAnUninterruptedRunDoes()
      throws Exception {
    assertThat(run("run", "--cpus", "2")).isZero();
    List<String> whole = tourLines(printed());
    assertThat(whole).last().asString().contains("halting through SysCtl");

    // A child JVM runs the tour into the store, checkpointing every 10 ms, and is killed with
    // SIGKILL once the store holds three generations (or after it ended: on a fast machine, or a
    // loaded one where a cut waits for a process still loading, the tour may end with two). At 50
    // ms the tour once ended before its first checkpoint (a clean-clone run, twelfth session).
    Path store = dir.resolve("tour");
    Path childOut = dir.resolve("child.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "--add-exports",
                "java.base/jdk.internal.vm=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "run",
                "--store",
                store.toString(),
                "--checkpoint-every",
                "10",
                "--cpus",
                "2")
            .redirectErrorStream(true)
            .redirectOutput(childOut.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (generation(store) < 3 && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
    } finally {
      child.destroyForcibly();
      child.waitFor(60, TimeUnit.SECONDS);
    }
    String before = Files.readString(childOut, StandardCharsets.UTF_8);
    // At least one checkpoint after the boot generation: a cut of the running tour.
    assertThat(generation(store)).as(before).isGreaterThanOrEqualTo(2);

    assertThat(run("run", "--store", store.toString(), "--cpus", "2")).as(printed()).isZero();
    assertThat(printed()).contains("jackal: resuming " + store).contains("jackal: halted");
    List<String> after = tourLines(printed());
    // The resumed system runs on from its last checkpoint: what it prints is the rest of an
    // uninterrupted run (a step the killed run printed after that checkpoint is printed again),
    // and together the two runs printed every step. Nothing is left to print only if the last
    // checkpoint came after the tour's last line, and then the killed run printed every step
    // itself. (A full suite once found nothing printed after the resume, sixteenth session; what
    // the runs printed was not kept then, so every message below now shows both.)
    String printedBy = "the killed run printed:%n%s%nthe resumed run printed:%n%s";
    if (after.isEmpty()) {
      assertThat(tourLines(before)).as(printedBy, before, printed()).containsAll(whole);
    }
    assertThat(whole).endsWith(after.toArray(String[]::new));
    List<String> both = new ArrayList<>(tourLines(before));
    both.addAll(after);
    assertThat(both).as(printedBy, before, printed()).containsAll(whole);

    assertThat(run("store", "check", store.toString())).as(printed()).isZero();
  }

  /** The lines the tour's guide printed. */
  private static List<String> tourLines(String out) {
    return out.lines().filter(l -> l.startsWith("tour: ")).toList();
  }

  /**
   * The newest generation the store holds (read while a child may be writing it: a generation being
   * written does not check yet and is not counted).
   */
  private static long generation(Path store) throws IOException {
    if (!Files.exists(store.resolve("jackal.store"))) {
      return 0;
    }
    try (Store s = Store.open(store)) {
      return s.generation();
    } catch (StoreException e) {
      return 0; // a header copy being written: ask again
    }
  }
}
