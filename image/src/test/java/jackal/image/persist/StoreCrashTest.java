package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.image.persist.FaultyFiles.Fault;
import jackal.image.store.Store;
import jackal.kernel.boot.CheckpointIncompleteException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A crash in the middle of every write of a checkpoint: a write torn at each class of offset (none
 * of it, one byte, inside the generation's head, at its end, just past it, inside its body, all of
 * it; the same for the commit slot written with it), a failed force, and a disk that fills up at
 * each point. After the fault the process dies (its unforced writes lost, or kept, as a power loss
 * may do either), the store is opened again from the disk, and it must give back a whole committed
 * checkpoint: the one before the failed write, or the failed one if all of its bytes did reach the
 * disk (one force commits a generation, so a generation whose bytes all check is committed). The
 * resumed system then checkpoints on. The same again for the first checkpoint after a kill that
 * left the newest generation committed by its checksums alone (no commit slot names it yet): that
 * checkpoint forces it, then writes the slot naming it with its own generation.
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

  private static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    for (boolean keep : new boolean[] {false, true}) {
      for (long at : new long[] {0, 1, 20, 39, 40, 41, 4096, 100_000, Long.MAX_VALUE}) {
        cases.add(new Case(Fault.TORN_WRITE, 1, at, keep)); // the generation
      }
      for (long at : new long[] {0, 1, 16, 4091, 4096}) {
        cases.add(new Case(Fault.TORN_WRITE, 2, at, keep)); // the commit slot
      }
      cases.add(new Case(Fault.FAILED_FORCE, 1, 0, keep));
      cases.add(new Case(Fault.FAILED_FORCE, 2, 0, keep));
      for (long free : new long[] {0, 1, 40, 5000, 1_000_000}) {
        cases.add(new Case(Fault.DISK_FULL, 0, free, keep));
      }
    }
    return cases;
  }

  @Test
  void aCrashAtEveryWriteOfACheckpointRecoversTheLastCommittedOne() throws Exception {
    everyCase(false);
  }

  @Test
  void aCrashAtEveryWriteOfTheFirstCheckpointAfterAKillRecoversTheLastCommittedOne()
      throws Exception {
    everyCase(true);
  }

  private void everyCase(boolean afterKill) throws Exception {
    List<Case> cases = cases();
    int fired = 0;
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      if (crashAndRecover(root.resolve("case" + i), c, afterKill)) {
        fired++;
      }
    }
    assertThat(fired).as("cases whose fault met a write").isGreaterThan(cases.size() * 3 / 4);
  }

  /**
   * True if the fault met a write (and everything was checked); false if it never fired. With
   * {@code afterKill}, the store is a copy of the directory taken while it was open after three
   * generations (as a SIGKILL leaves it: the newest generation forced, no slot naming it), and the
   * kernel goes on writing to that copy.
   */
  private static boolean crashAndRecover(Path base, Case c, boolean afterKill) throws Exception {
    Path dir = base.resolve(afterKill ? "killed" : "store");
    Files.createDirectories(dir);
    byte[] committed;
    byte[] failed;
    long before;
    FaultyFiles files;
    try (Kernel k = Kernel.create(Systems.config())) {
      Path first = afterKill ? base.resolve("first") : dir;
      Files.createDirectories(first);
      files = new FaultyFiles(first);
      Store store = Store.open(files);
      StoreTest.everyKind(k, Systems.Code.of(k));
      k.checkpoint(store, true, BOUND);
      k.writePage(k.newPage(), 16, new byte[] {9});
      k.checkpoint(store, false, BOUND);
      if (afterKill) {
        k.setEndpointId(k.object(4, 0).orElseThrow(), 98);
        k.checkpoint(store, false, BOUND);
        copyTree(first, dir); // the disk as a kill leaves it
        store.close();
        files = new FaultyFiles(dir);
        store = Store.open(files);
        assertThat(store.generation()).isEqualTo(3);
      }
      before = store.generation();
      committed = StoreTest.imageOf(k);
      ObjectRef page = k.newPage();
      k.writePage(page, 8, new byte[] {1, 2, 3});
      k.setEndpointId(k.object(4, 0).orElseThrow(), 99);
      failed = StoreTest.imageOf(k);
      files.arm(c.fault(), c.n(), c.bytes());
      Store writing = store;
      try {
        k.checkpoint(writing, false, BOUND);
      } catch (CheckpointIncompleteException e) {
        assertThat(files.fired).as(c.toString()).isTrue();
        assertThat(e).hasMessageContaining("did not commit");
        // A store whose write failed writes nothing more until it is opened again.
        assertThatThrownBy(() -> k.checkpoint(writing, false, BOUND))
            .hasMessageContaining("an earlier write of this store failed");
      }
      if (!files.fired) {
        files.disarm();
        store.close();
        return false;
      }
      if (!c.keepUnforced()) {
        files.crash();
      }
      store.close();
    }
    // The generation's bytes all reached the disk: it checks, so it is committed.
    long length = files.lengths.isEmpty() ? 0 : files.lengths.get(0);
    boolean whole =
        c.keepUnforced()
            && !(c.fault() == Fault.TORN_WRITE && c.n() == 1 && c.bytes() < length)
            && !(c.fault() == Fault.DISK_FULL && c.bytes() < length)
            && !(afterKill && c.fault() == Fault.FAILED_FORCE && c.n() == 1);
    try (Store store = Store.open(dir);
        Kernel k = StoreTest.resume(store)) {
      byte[] recovered = StoreTest.imageOf(k);
      if (whole) {
        assertThat(store.generation()).as(c.toString()).isEqualTo(before + 1);
        assertThat(recovered).as(c.toString()).isEqualTo(failed);
      } else {
        assertThat(store.generation()).as(c.toString()).isEqualTo(before);
        assertThat(recovered).as(c.toString()).isEqualTo(committed);
      }
      // The resumed system checkpoints on, over whatever the crash left past the commit.
      k.writePage(k.newPage(), 0, new byte[] {4});
      long then = store.generation();
      k.checkpoint(store, false, BOUND);
      assertThat(store.generation()).isEqualTo(then + 1);
      byte[] after = StoreTest.imageOf(k);
      try (Store again = Store.open(dir);
          Kernel k2 = StoreTest.resume(again)) {
        assertThat(StoreTest.imageOf(k2)).as(c.toString()).isEqualTo(after);
      }
    }
    return true;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
