package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.persist.programs.Snapshotter;
import jackal.image.store.Store;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint.snapshot and processCheckpoint on a kernel that persists to a store. */
class CheckpointServiceTest {
  @TempDir Path dir;

  @Test
  void aSnapshotAProgramDeclaresIsWrittenOnceNoProgramStackStandsInTheWay() throws Exception {
    try (Kernel k = Kernel.create(Systems.persisting());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      ObjectRef p = Systems.process(k, code, "snapshotter", Snapshotter.class);
      k.setCapReg(p, CapReg.APP0, k.kernelCap(KernelService.CHECKPOINT));
      k.checkpoint(store, true, Duration.ofSeconds(5));
      try (Kernel running = k.boot()) {
        running.persist(store, Duration.ZERO, Duration.ofSeconds(5)); // on declarations only
        running.start(p);
        assertThat(running.awaitQuiescent(Duration.ofSeconds(30))).isTrue();
        // Two outcomes are right, as the checkpointer's cut and write race the program's second
        // declaration. Usually the first snapshot is not committed yet, so the second declaration
        // raises CkptIncomplete (2) and one snapshot is written. Now and then the cut holds the
        // program at its second call and the first snapshot commits before that call runs: the
        // second declaration then succeeds, and two are written. Either way the last is not safe
        // when asked at once (4).
        long bits = Systems.result(running, p.oid());
        assertThat(bits).isIn(1L | 2 | 4, 1L | 4);
        int snapshots = (bits & 2) != 0 ? 1 : 2;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (running.checkpointsCommitted() < snapshots && System.nanoTime() < deadline) {
          Thread.sleep(10); // the checkpointer retries until the program has returned
        }
        assertThat(running.checkpointsCommitted()).isEqualTo(snapshots);
        assertThat(store.generation()).isEqualTo(1 + snapshots);
      }
    }
    // Capture is on, so the declared cut may hold the program between its calls: the store then
    // keeps its frames, and the resumed system runs it on to its end.
    try (Store store = Store.open(dir)) {
      Store.Recovered r = store.recover();
      try (Kernel k = Kernel.create(Systems.persisting())) {
        k.resume(r.image(), r.clock(), r.programs());
        long oid = k.object(3, 0).map(ObjectRef::oid).orElseThrow();
        try (Kernel running = k.boot()) {
          assertThat(running.awaitQuiescent(Duration.ofSeconds(30))).isTrue();
          long bits = Systems.result(running, oid);
          assertThat(bits & 1).as("the first declaration succeeded, in the store's past").isOne();
          assertThat(bits & ~7L).isZero();
          assertThat(running.inspect(running.object(3, oid).orElseThrow()).exited()).isTrue();
        }
      }
    }
  }
}
