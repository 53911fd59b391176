package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import example.ledger.Schedule;
import jackal.image.store.Store;
import jackal.image.store.StoreCheck;
import jackal.image.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger workload (examples/ledger) killed with SIGKILL in a child JVM and restarted from its
 * store: the short variant of {@code jackal soak ledger} (the 1 000-kill soak;
 * docs/PERSISTENCE.md).
 */
class LedgerSoakTest {
  @TempDir Path dir;

  static Path image() {
    return Path.of(System.getProperty("basedir", "."))
        .resolve("../examples/ledger/ledger.mki")
        .toAbsolutePath()
        .normalize();
  }

  static LedgerCheck.Workload workload() {
    return new LedgerCheck.Workload(
        Schedule.SEED, Schedule.ACCOUNTS, Schedule.CLIENTS, Schedule.TRANSFERS, Schedule.INITIAL);
  }

  @Test
  void anUninterruptedRunEndsWithTheLineTheScheduleDefines() {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream saved = System.out;
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    int status;
    try {
      status = Main.commandLine().execute("run", image().toString(), "--cpus", "2");
    } finally {
      System.setOut(saved);
    }
    String out = console.toString(StandardCharsets.UTF_8);
    assertThat(status).as(out).isZero();
    // The checker's own reading of the schedule agrees with the example's programs.
    assertThat(out).contains(workload().finalLine() + "\n").contains("jackal: halted");
  }

  private LedgerSoak.Result soak(int kills, String printedTo) throws Exception {
    long seed = Long.getLong("ledger.seed", new SecureRandom().nextLong());
    System.out.println(printedTo + ": seed 0x" + Long.toHexString(seed));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    LedgerSoak.Result r =
        LedgerSoak.run(
            new LedgerSoak.Options(
                image(), dir, kills, seed, 40, Duration.ofMillis(1200), Duration.ofMinutes(3), 2),
            new PrintStream(log, true, StandardCharsets.UTF_8));
    String printed = log.toString(StandardCharsets.UTF_8);
    System.out.print(printed);
    assertThat(r.problems()).as(printed).isEmpty();
    assertThat(r.kills()).isEqualTo(kills);
    assertThat(printed).contains("an uninterrupted run ends with: " + workload().finalLine());
    return r;
  }

  @Test
  void killedAtSeededMomentsTheLedgerStoreChecksGoodAfterEachRestartAndEndsAsLeftAlone()
      throws Exception {
    LedgerSoak.Result r = soak(4, "killedAtSeededMoments");
    assertThat(r.rounds()).isPositive();
  }

  /**
   * Not at a random moment but once the store shows transfers committed: a child JVM takes many
   * seconds to make its programs capturable before any of them runs (docs/PERSISTENCE.md, section
   * 6), so a short random delay would only ever kill it while it loads.
   */
  @Test
  void transfersCommittedBeforeAKillAreAllThereAfterTheRestartAndTheRunEndsAsLeftAlone()
      throws Exception {
    Path store = dir.resolve("store");
    LedgerSoak.Child child =
        LedgerSoak.Child.start(LedgerSoak.runCommand(image(), store, false, 40, 2), dir);
    LedgerCheck.State seen = null;
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (System.nanoTime() < deadline && !child.waitFor(Duration.ofMillis(200))) {
      if (LedgerSoak.holdsSystem(store)) {
        LedgerCheck.State state;
        try (Store s = Store.open(store)) {
          state = LedgerCheck.check(s.recover().image(), null);
        } catch (StoreException e) {
          // Read while the child writes its first header copy (the file made, not yet written):
          // looked at again in a moment. The store is checked strictly once the child is killed.
          continue;
        }
        assertThat(state.problems()).isEmpty();
        if (state.appliedTotal() > 0) {
          seen = state;
          break;
        }
      }
    }
    child.kill();
    assertThat(seen).as(child.output()).isNotNull();
    try (Store s = Store.open(store)) {
      StoreCheck.Result sc = StoreCheck.check(s, StoreCommand.checkConfig(System.out));
      assertThat(sc.problems()).isEmpty();
      LedgerCheck.State after = LedgerCheck.check(s.recover().image(), seen);
      assertThat(after.problems()).isEmpty();
      assertThat(after.appliedTotal()).isGreaterThanOrEqualTo(seen.appliedTotal());
    }
    LedgerSoak.Child resumed =
        LedgerSoak.Child.start(LedgerSoak.runCommand(image(), store, true, 40, 2), dir);
    assertThat(resumed.waitFor(Duration.ofMinutes(3))).as(resumed.output()).isTrue();
    assertThat(resumed.exitCode()).as(resumed.output()).isZero();
    assertThat(resumed.finalLine()).as(resumed.output()).isEqualTo(workload().finalLine());
    assertThat(resumed.output()).contains("jackal: resuming " + store);
  }

  @Test
  void aRoundWhoseLineWasPrintedBeforeTheLastCommitAndNotAgainAfterTheResumeHasFinished() {
    String line = "ledger: final balances 1 2 total 3 digest ab";
    assertThat(LedgerSoak.finishProblem(0, List.of(line), line)).isNull();
    assertThat(LedgerSoak.finishProblem(0, List.of(line, line), line))
        .as("a line printed again by a run resumed from before the print")
        .isNull();
  }

  @Test
  void aRoundThatNeverPrintedTheLineOrPrintedAnotherOrFailedHasNotFinished() {
    String line = "ledger: final balances 1 2 total 3 digest ab";
    assertThat(LedgerSoak.finishProblem(0, List.of(), line)).contains("no run of it printed");
    assertThat(LedgerSoak.finishProblem(0, List.of(line, line.replace("ab", "cd")), line))
        .contains("printed 'ledger: final balances 1 2 total 3 digest cd'");
    assertThat(LedgerSoak.finishProblem(1, List.of(line), line)).contains("status 1");
  }
}
