package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.persist.programs.InitRace;
import jackal.image.store.Store;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program's restore runs program code (its objects' hash codes as its hash sets are filled),
 * which a preemption check can interrupt; the CPU then runs other processes while the restore is
 * half done. What the restore has set up for itself must not reach them.
 */
class RestoreIsolationTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  /** One CPU: the attacker's preempted restore and the victim share its thread. */
  private static KernelConfig oneCpu() {
    return Systems.persisting().withCpus(1).withCpusPerNode(1);
  }

  @TempDir Path dir;

  @Test
  void aProgramPreemptedInItsRestoreCannotMakeAnotherProcessSkipItsClassInitializers()
      throws Exception {
    long attacker;
    try (Kernel k = Kernel.create(oneCpu());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      attacker = Systems.process(k, code, "attacker", InitRace.class).oid();
      k.start(k.object(3, attacker).orElseThrow());
      try (Kernel running = k.boot()) {
        Systems.await(() -> Systems.word(running, attacker, 8) == 1, "the attacker waits");
        running.checkpoint(store, false, BOUND);
      }
    }
    try (Store store = Store.open(dir)) {
      Store.Recovered r = store.recover();
      Kernel k = Kernel.create(oneCpu());
      k.resume(r.image(), r.clock(), r.programs());
      Systems.Code code = Systems.Code.of(k);
      ObjectRef victim = Systems.process(k, code, "victim", InitRace.class);
      Systems.setWord(k, victim.oid(), 32, 1);
      k.start(victim);
      try (Kernel running = k.boot()) {
        Systems.await(() -> Systems.word(running, victim.oid(), 16) != 0, "the victim finishes");
        Systems.await(
            () -> running.inspect(running.object(3, victim.oid()).orElseThrow()).exited(),
            "the victim exits");
        assertThat(Systems.word(running, victim.oid(), 0))
            .as("the victim's own class initializer ran")
            .isEqualTo(InitRace.MARK);
        Systems.setWord(running, attacker, 24, 1);
        Systems.await(() -> Systems.word(running, attacker, 0) != 0, "the attacker finishes");
        assertThat(Systems.word(running, attacker, 0))
            .as("the attacker's restore is whole")
            .isEqualTo(InitRace.MARK + 1);
      }
    }
  }
}
