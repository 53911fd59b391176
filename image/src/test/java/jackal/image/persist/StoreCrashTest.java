package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.image.persist.FaultyFiles.Fault;
import jackal.image.store.Store;
import jackal.kernel.boot.CheckpointIncompleteException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of every write of a checkpoint: a write torn at each class of offset (none
 * of it, one byte, inside the generation's head, at its end, just past it, inside its body, all of
 * it; the same for the header copy), a failed force of each, and a disk that fills up at each
 * point. After the fault the process dies (its unforced writes lost, or kept, as a power loss may
 * do either), the store is opened again from the disk, and it must give back a whole committed
 * checkpoint: the one before the failed write, or the failed one if its header copy did reach the
 * disk. The resumed system then checkpoints on.
 */
class StoreCrashTest {
  private static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir Path root;

  private record Case(Fault fault, int n, long bytes, boolean keepUnforced) {
    @Override
    public String toString() {
      return fault
          + " #"
          + n
          + " at "
          + bytes
          + (keepUnforced ? ", unforced kept" : ", unforced lost");
    }
  }

  @Test
  void aCrashAtEveryWriteOfACheckpointRecoversTheLastCommittedOne() throws Exception {
    List<Case> cases = new ArrayList<>();
    for (boolean keep : new boolean[] {false, true}) {
      for (long at : new long[] {0, 1, 20, 39, 40, 41, 4096, 100_000, Long.MAX_VALUE}) {
        cases.add(new Case(Fault.TORN_WRITE, 1, at, keep)); // the generation
      }
      for (long at : new long[] {0, 1, 16, 4091, 4096}) {
        cases.add(new Case(Fault.TORN_WRITE, 2, at, keep)); // the header copy
      }
      cases.add(new Case(Fault.FAILED_FORCE, 1, 0, keep));
      cases.add(new Case(Fault.FAILED_FORCE, 2, 0, keep));
      for (long free : new long[] {0, 1, 40, 5000, 1_000_000}) {
        cases.add(new Case(Fault.DISK_FULL, 0, free, keep));
      }
    }
    int fired = 0;
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      if (crashAndRecover(root.resolve("case" + i), c)) {
        fired++;
      }
    }
    assertThat(fired).as("cases whose fault met a write").isGreaterThan(cases.size() * 3 / 4);
  }

  /** True if the fault met a write (and everything was checked); false if it never fired. */
  private static boolean crashAndRecover(Path dir, Case c) throws Exception {
    Files.createDirectories(dir);
    byte[] committed;
    byte[] failed;
    FaultyFiles files = new FaultyFiles(dir);
    try (Kernel k = Kernel.create(Systems.config())) {
      Store store = Store.open(files);
      StoreTest.everyKind(k, Systems.Code.of(k));
      k.checkpoint(store, true, BOUND);
      committed = StoreTest.imageOf(k);
      ObjectRef page = k.newPage();
      k.writePage(page, 8, new byte[] {1, 2, 3});
      k.setEndpointId(k.object(4, 0).orElseThrow(), 99);
      failed = StoreTest.imageOf(k);
      files.arm(c.fault(), c.n(), c.bytes());
      try {
        k.checkpoint(store, false, BOUND);
      } catch (CheckpointIncompleteException e) {
        assertThat(files.fired).as(c.toString()).isTrue();
        assertThat(e).hasMessageContaining("did not commit");
        // A store whose write failed writes nothing more until it is opened again.
        assertThatThrownBy(() -> k.checkpoint(store, false, BOUND))
            .hasMessageContaining("an earlier write of this store failed");
      }
      if (!files.fired) {
        store.close();
        return false;
      }
      if (!c.keepUnforced()) {
        files.crash();
      }
      store.close();
    }
    byte[] recovered;
    try (Store store = Store.open(dir);
        Kernel k = StoreTest.resume(store)) {
      recovered = StoreTest.imageOf(k);
      boolean headerWritten = c.fault() == Fault.FAILED_FORCE && c.n() == 2 && c.keepUnforced();
      boolean wholeHeader =
          headerWritten
              || (c.keepUnforced()
                  && c.fault() == Fault.TORN_WRITE
                  && c.n() == 2
                  && c.bytes() >= 4096)
              || (c.keepUnforced() && c.fault() == Fault.DISK_FULL && store.generation() == 2);
      if (wholeHeader && store.generation() == 2) {
        assertThat(recovered).as(c.toString()).isEqualTo(failed);
      } else {
        assertThat(store.generation()).as(c.toString()).isEqualTo(1);
        assertThat(recovered).as(c.toString()).isEqualTo(committed);
      }
      // The resumed system checkpoints on, over whatever the crash left past the commit.
      k.writePage(k.newPage(), 0, new byte[] {4});
      long before = store.generation();
      k.checkpoint(store, false, BOUND);
      assertThat(store.generation()).isEqualTo(before + 1);
      byte[] after = StoreTest.imageOf(k);
      try (Store again = Store.open(dir);
          Kernel k2 = StoreTest.resume(again)) {
        assertThat(StoreTest.imageOf(k2)).as(c.toString()).isEqualTo(after);
      }
    }
    return true;
  }
}
