package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.image.persist.programs.Accumulator;
import jackal.image.persist.programs.ConstructorSpinner;
import jackal.image.persist.programs.CountingClient;
import jackal.image.persist.programs.SlowServer;
import jackal.image.store.Store;
import jackal.kernel.boot.CheckpointIncompleteException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running system checkpointed to a store, its kernel dropped (the crash: what ran after the last
 * commit is lost), and resumed in a fresh kernel: programs continue from the state the cut took,
 * their Java locals included (issue 12, docs/PERSISTENCE.md section 3).
 */
class RunningSystemResumeTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path dir;

  /** Resumes the store's system in a fresh kernel that persists (not booted). */
  private static Kernel resume(Store store) throws Exception {
    Store.Recovered r = store.recover();
    Kernel k = Kernel.create(Systems.persisting());
    k.resume(r.image(), r.clock(), r.programs());
    return k;
  }

  @Test
  void aComputationWithStateOnlyInJavaLocalsContinuesAfterTwoRestartsWithTheSameLocals()
      throws Exception {
    long acc;
    try (Kernel k = Kernel.create(Systems.persisting());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      acc = Systems.process(k, code, "accumulator", Accumulator.class).oid();
      k.start(k.object(3, acc).orElseThrow());
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        Systems.await(
            () -> Systems.word(running, acc, 8) == Accumulator.GATE, "it waits at its gate");
        running.checkpoint(store, false, BOUND); // its hash and round are only in its locals
        Systems.setWord(running, acc, 24, 1); // runs on after the cut: lost in the crash
        Systems.await(() -> Systems.word(running, acc, 8) > Accumulator.GATE + 5, "it runs on");
      }
    }
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      assertThat(Systems.word(k, acc, 8)).isEqualTo(Accumulator.GATE);
      assertThat(Systems.word(k, acc, 24)).isZero();
      try (Kernel running = k.boot()) {
        Systems.setWord(running, acc, 24, 1);
        Systems.await(
            () -> Systems.word(running, acc, 8) > Accumulator.GATE + 20, "it runs on again");
        running.checkpoint(store, false, BOUND); // wherever it is now
      }
    }
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      long round = Systems.word(k, acc, 8);
      assertThat(round).isGreaterThan(Accumulator.GATE + 20);
      try (Kernel running = k.boot()) {
        assertThat(running.awaitQuiescent(Duration.ofSeconds(120))).isTrue();
        assertThat(Systems.result(running, acc)).isEqualTo(Accumulator.expected());
        assertThat(Systems.word(running, acc, 8)).isEqualTo(Accumulator.ROUNDS);
        assertThat(Systems.word(running, acc, 16)).as("starts from its entry").isEqualTo(1);
        assertThat(running.inspect(running.object(3, acc).orElseThrow()).exited()).isTrue();
      }
    }
  }

  @Test
  void aCutTakenBeforeAResumedProcessRunsKeepsItsProgramStateAndItDoesNotStartFromItsEntry()
      throws Exception {
    long acc;
    try (Kernel k = Kernel.create(Systems.persisting());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      acc = Systems.process(k, code, "accumulator", Accumulator.class).oid();
      k.start(k.object(3, acc).orElseThrow());
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        Systems.await(
            () -> Systems.word(running, acc, 8) == Accumulator.GATE, "it waits at its gate");
        running.checkpoint(store, false, BOUND); // its state is in its locals only
      }
    }
    // Resumed, and cut again before the process is dispatched (as a checkpoint soon after a
    // restart can be, while the CPUs are busy loading other programs): the state the store gave it
    // is still its state, and the new generation must hold it.
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      k.checkpoint(store, false, BOUND);
    }
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      assertThat(Systems.word(k, acc, 8)).isEqualTo(Accumulator.GATE);
      try (Kernel running = k.boot()) {
        Systems.setWord(running, acc, 24, 1);
        assertThat(running.awaitQuiescent(Duration.ofSeconds(120))).isTrue();
        assertThat(Systems.word(running, acc, 16)).as("starts from its entry").isEqualTo(1);
        assertThat(Systems.word(running, acc, 8)).isEqualTo(Accumulator.ROUNDS);
        assertThat(Systems.result(running, acc)).isEqualTo(Accumulator.expected());
      }
    }
  }

  @Test
  void aReplyNotCommittedBeforeTheCrashIsRedoneOnceAndTheCallIsNotSentAgain() throws Exception {
    long server;
    long client;
    try (Kernel k = Kernel.create(Systems.persisting());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      ObjectRef s = Systems.process(k, code, "server", SlowServer.class);
      ObjectRef ep = k.newEndpoint();
      k.setRecipient(ep, s);
      ObjectRef c = Systems.process(k, code, "client", CountingClient.class);
      k.setCapReg(c, CapReg.APP0, k.entry(ep, 5));
      server = s.oid();
      client = c.oid();
      k.start(s);
      k.start(c);
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        Systems.await(() -> Systems.word(running, server, 8) == 1, "the server has the request");
        // The cut: the client waits for its reply, the server holds the request in a local.
        running.checkpoint(store, false, BOUND);
        Systems.setWord(running, server, 24, 1);
        Systems.await(() -> Systems.result(running, client) == 42, "the client has its answer");
        // The crash: the reply and the answer are not committed.
      }
    }
    try (Store store = Store.open(dir);
        Kernel k = resume(store)) {
      assertThat(Systems.word(k, client, 16)).as("answers at the cut").isZero();
      assertThat(Systems.word(k, server, 16)).as("replies at the cut").isZero();
      try (Kernel running = k.boot()) {
        Thread.sleep(50); // the client is back in its receive or about to be: either is right
        Systems.setWord(running, server, 24, 1);
        assertThat(running.awaitQuiescent(Duration.ofSeconds(60))).isTrue();
        assertThat(Systems.result(running, client)).isEqualTo(42);
        assertThat(Systems.word(running, client, 8)).as("calls made").isEqualTo(1);
        assertThat(Systems.word(running, client, 16)).as("answers received").isEqualTo(1);
        assertThat(Systems.word(running, server, 8)).as("requests received").isEqualTo(1);
        assertThat(Systems.word(running, server, 16)).as("replies sent").isEqualTo(1);
        assertThat(running.inspect(running.object(3, client).orElseThrow()).exited()).isTrue();
        assertThat(running.inspect(running.object(3, server).orElseThrow()).exited()).isTrue();
      }
    }
  }

  @Test
  void aProgramWhoseStackCanNeverBeCapturedMakesTheCutGiveUpNamingItAndWhy() throws Exception {
    try (Kernel k = Kernel.create(Systems.persisting());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      ObjectRef spinner = Systems.process(k, code, "ctorspinner", ConstructorSpinner.class);
      k.start(spinner);
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        Systems.await(() -> Systems.result(running, spinner.oid()) != 0, "it runs");
        assertThatThrownBy(() -> running.checkpoint(store, false, Duration.ofMillis(500)))
            .isInstanceOf(CheckpointIncompleteException.class)
            .hasMessageContaining("ctorspinner#" + spinner.oid())
            .hasMessageContaining("capture point");
        long seen = Systems.result(running, spinner.oid());
        Systems.await(
            () -> Systems.result(running, spinner.oid()) != seen, "it runs on after the cut");
      }
      assertThat(store.generation()).isEqualTo(1);
    }
  }
}
