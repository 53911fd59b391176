package jackal.kernel.obj;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.cap.OidLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * The object table's change marks (issue 12): what a checkpoint's cut takes instead of walking the
 * table. A mark set is taken exactly once; marking a marked object again adds nothing.
 */
class ChangeMarksTest {
  private static List<Long> take(ObjectTable t, int type) {
    List<Long> out = new ArrayList<>();
    t.takeMarked(
        type,
        o -> {
          o.clearDirty();
          out.add(o.oid);
        });
    return out;
  }

  @Test
  void aNewObjectIsMarkedAndTakenOnceThenOnlyWhenMarkedAgain() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 1 << 20);
    KObject a = t.get(ObType.PAGE, 5);
    KObject b = t.get(ObType.PAGE, 70_000);
    t.get(ObType.GPT, 5);
    assertThat(take(t, ObType.PAGE)).containsExactly(5L, 70_000L);
    assertThat(take(t, ObType.PAGE)).isEmpty();
    assertThat(take(t, ObType.GPT)).containsExactly(5L);
    b.markDirty();
    a.markDirty();
    a.markDirty();
    assertThat(t.markedCount(ObType.PAGE)).isEqualTo(2);
    assertThat(take(t, ObType.PAGE)).containsExactly(5L, 70_000L);
    assertThat(t.markedCount(ObType.PAGE)).isZero();
  }

  @Test
  void anObjectStillMarkedDirtyIsNotListedTwiceHoweverOftenItIsWritten() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 1 << 20);
    Page p = (Page) t.get(ObType.PAGE, 3);
    take(t, ObType.PAGE);
    // An attacker writing the same page a million times between two cuts: one mark.
    for (int i = 0; i < 1_000_000; i++) {
      p.noteWrite();
    }
    assertThat(t.markedCount(ObType.PAGE)).isEqualTo(1);
    assertThat(take(t, ObType.PAGE)).containsExactly(3L);
  }

  @Test
  void objectsAboveTheDenseRangeAreMarkedToo() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 1L << 32);
    long high = (1L << 30) + 17;
    KObject o = t.get(ObType.ENDPOINT, high);
    assertThat(take(t, ObType.ENDPOINT)).containsExactly(high);
    o.markDirty();
    assertThat(take(t, ObType.ENDPOINT)).containsExactly(high);
    assertThat(take(t, ObType.ENDPOINT)).isEmpty();
  }

  @Test
  void remarkingAnObjectATakenCutDidNotCommitListsItAgain() {
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 1 << 20);
    KObject o = t.get(ObType.CAP_PAGE, 9);
    take(t, ObType.CAP_PAGE);
    o.markDirty(); // changed after the cut
    o.remarkDirty(); // the cut before it was abandoned
    assertThat(take(t, ObType.CAP_PAGE)).containsExactly(9L);
  }

  /**
   * Markers change random objects (each change under the object's lock, as a transaction or the
   * boot API makes it) while a checkpointer takes the marks over and over; once the markers stop
   * and a last take is done, every object's last change was seen by a take after it. Seeded.
   */
  @Test
  void concurrentMarkersNeverLoseAChangeAcrossTakes() throws Exception {
    long seed = System.nanoTime();
    System.out.println("ChangeMarksTest seed " + seed);
    int objects = 5000;
    ObjectTable t = new ObjectTable(OidLayout.WIDE, 1 << 20);
    KObject[] all = new KObject[objects];
    for (int i = 0; i < objects; i++) {
      // Half in the first chunks, half spread over a thousand chunks.
      all[i] = t.get(ObType.PAGE, i < objects / 2 ? i : 1000 + i * 199L);
    }
    for (KObject o : all) {
      o.clearDirty();
    }
    take(t, ObType.PAGE);
    java.util.Map<Long, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < objects; i++) {
      index.put(all[i].oid, i);
    }
    AtomicLongArray changes = new AtomicLongArray(objects);
    long[] seen = new long[objects];
    AtomicBoolean stop = new AtomicBoolean();
    int cutter = KObject.newOwnerId();
    List<Thread> markers = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      SplittableRandom r = new SplittableRandom(seed + m + 1);
      int id = KObject.newOwnerId();
      markers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int n = 0; n < 200_000; n++) {
                      int i = r.nextInt(objects);
                      KObject o = all[i];
                      while (!o.tryLock(id)) {
                        Thread.onSpinWait();
                      }
                      try {
                        o.markDirty();
                        changes.incrementAndGet(i);
                      } finally {
                        o.unlock();
                      }
                    }
                  }));
    }
    Runnable takeAll =
        () ->
            t.takeMarked(
                ObType.PAGE,
                o -> {
                  while (!o.tryLock(cutter)) {
                    Thread.onSpinWait();
                  }
                  try {
                    o.clearDirty();
                    int i = index.get(o.oid);
                    seen[i] = changes.get(i);
                  } finally {
                    o.unlock();
                  }
                });
    Thread checkpointer =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!stop.get()) {
                    takeAll.run();
                    Thread.yield();
                  }
                });
    for (Thread m : markers) {
      m.join();
    }
    stop.set(true);
    checkpointer.join();
    takeAll.run();
    TreeSet<Long> missed = new TreeSet<>();
    for (int i = 0; i < objects; i++) {
      if (seen[i] != changes.get(i)) {
        missed.add(all[i].oid);
      }
    }
    assertThat(missed).as("objects whose last change no take saw (seed " + seed + ")").isEmpty();
    assertThat(t.markedCount(ObType.PAGE)).isZero();
  }
}
