package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.file.ImageFile;
import jackal.image.persist.programs.Mutator;
import jackal.image.store.Store;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.kernel.boot.Snapshot;
import jackal.runtime.CapReg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cut takes the objects the table's change marks list instead of walking every object (issue
 * 12), so a change the marks miss would be lost by the store. Here programs change objects through
 * system calls and the boot API changes others, across many incremental checkpoints; after each,
 * the store's merged system must equal a full walk of the kernel.
 */
class ChangeMarksAcrossCutsTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir Path dir;

  /** A Mutator process with four data pages, its seed and count of changes in the first. */
  private static ObjectRef mutator(Kernel k, Systems.Code code, long seed, long changes)
      throws ProgramRefusedException {
    ObjectRef p = k.newProcess("mutator");
    // The program space's first data page is the first page it makes: the OID after this one.
    long before = k.newPage().oid();
    ProgramSpace ps =
        k.newProgramSpace(Mutator.class.getName(), 4, code.programs(), code.runtime());
    k.setSpaceAndPC(p, ps.space(), ps.pc());
    for (int r = 0; r < 8; r++) {
      k.setCapReg(p, CapReg.APP0 + r, r % 2 == 0 ? k.cap(k.newEndpoint()) : k.cap(k.newPage()));
    }
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(seed).putLong(changes);
    k.writePage(k.object(0, before + 1).orElseThrow(), 0, b.array());
    return p;
  }

  private static byte[] merged(Store store) throws Exception {
    return ImageFile.encode(store.recover().image());
  }

  private static byte[] walked(Kernel running) throws Exception {
    Snapshot full = running.cut(true, BOUND);
    KernelImage image = full.image();
    full.committed();
    return ImageFile.encode(image);
  }

  @Test
  void programsAndTheBootApiChangeObjectsAcrossCutsAndTheStoreAlwaysEqualsAFullWalk()
      throws Exception {
    long seed = System.nanoTime();
    System.out.println("ChangeMarksAcrossCutsTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    try (Kernel k = Kernel.create(Systems.config());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      List<ObjectRef> pages = new ArrayList<>();
      List<ObjectRef> capPages = new ArrayList<>();
      List<ObjectRef> gpts = new ArrayList<>();
      List<ObjectRef> endpoints = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        pages.add(k.newPage());
        capPages.add(k.newCapPage());
        gpts.add(k.newGpt());
        endpoints.add(k.newEndpoint());
      }
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        for (int round = 0; round < 10; round++) {
          for (int j = 0; j < 25; j++) {
            switch (r.nextInt(7)) {
              case 0 ->
                  running.writePage(
                      pages.get(r.nextInt(pages.size())),
                      r.nextInt(4000),
                      new byte[] {(byte) r.nextInt(), (byte) r.nextInt()});
              case 1 ->
                  running.setCapPageSlot(
                      capPages.get(r.nextInt(capPages.size())),
                      r.nextInt(256),
                      running.restricted(
                          running.cap(pages.get(r.nextInt(pages.size()))), Restr.READ_ONLY));
              case 2 ->
                  running.setGptSlot(
                      gpts.get(r.nextInt(gpts.size())),
                      r.nextInt(16),
                      running.cap(capPages.get(r.nextInt(capPages.size()))));
              case 3 ->
                  running.setEndpointId(endpoints.get(r.nextInt(endpoints.size())), r.nextLong());
              case 4 -> pages.add(running.newPage());
              case 5 -> endpoints.add(running.newEndpoint());
              default -> capPages.add(running.newCapPage());
            }
          }
          int programs = 1 + r.nextInt(3);
          for (int i = 0; i < programs; i++) {
            running.start(mutator(running, code, r.nextLong(), 50 + r.nextInt(400)));
          }
          assertThat(running.awaitQuiescent(Duration.ofSeconds(60))).isTrue();
          Snapshot cut = running.cut(false, BOUND);
          store.write(cut);
          cut.committed();
          assertThat(merged(store))
              .as("round %d, seed %d: the store against a full walk", round, seed)
              .isEqualTo(walked(running));
        }
      }
    }
  }

  /**
   * An attacker's program makes a hundred thousand changes to the same few objects: the marks and
   * the next cut hold each object once, as many as after the same program making a hundred, so a
   * program cannot grow what every cut must take beyond the objects it can reach.
   */
  @Test
  void aProgramChangingItsObjectsOverAndOverAddsEachToTheNextCutOnce() throws Exception {
    try (Kernel k = Kernel.create(Systems.config())) {
      Systems.Code code = Systems.Code.of(k);
      k.cut(true, BOUND).committed();
      try (Kernel running = k.boot()) {
        int[] taken = new int[2];
        long[] changes = {100, 100_000};
        for (int i = 0; i < 2; i++) {
          ObjectRef p = mutator(running, code, 7, changes[i]);
          running.cut(false, BOUND).committed(); // the new process's objects are taken here
          running.start(p);
          assertThat(running.awaitQuiescent(Duration.ofSeconds(120))).isTrue();
          Snapshot s = running.cut(false, BOUND);
          taken[i] = s.objectCount();
          s.committed();
        }
        // Each run reaches the same objects (its process, its space's GPTs and pages, the objects
        // its registers name, the program's code pages it reads): a thousand times the work
        // makes the same cut.
        assertThat(taken[1]).isEqualTo(taken[0]);
        assertThat(taken[1]).isLessThan(100);
      }
    }
  }
}
