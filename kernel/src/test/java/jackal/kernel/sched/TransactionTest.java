package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-CPU transactions: try-lock, bounded spin, Restart on contention, release all at once. */
class TransactionTest {
  final Scheduler scheduler = TestSchedulers.unstarted(2, 2);
  final Transaction a = scheduler.cpu(0).txn;
  final Transaction b = scheduler.cpu(1).txn;

  @Test
  void eachCpuHasItsOwnTransaction() {
    assertThat(a).isNotSameAs(b);
    assertThat(a.cpu).isSameAs(scheduler.cpu(0));
    assertThat(b.cpu).isSameAs(scheduler.cpu(1));
    assertThat(a.heldCount()).isZero();
    assertThat(a.committed()).isFalse();
  }

  @Test
  void aLockHeldByOneTransactionMakesAnothersLockThrowContendedAfterABoundedSpin() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep);
    assertThat(a.holds(ep)).isTrue();

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> b.lock(ep)).isSameAs(Restart.CONTENDED);
    long elapsed = System.nanoTime() - t0;
    assertThat(Duration.ofNanos(elapsed))
        .as("the spin is bounded")
        .isLessThan(Duration.ofSeconds(1));

    assertThat(b.holds(ep)).isFalse();
    assertThat(b.heldCount()).as("a failed lock is not recorded").isZero();
    assertThat(a.holds(ep)).as("the holder keeps it").isTrue();
    // and again: contention is reported every time, never a hang
    for (int i = 0; i < 100; i++) {
      assertThatThrownBy(() -> b.lock(ep)).isSameAs(Restart.CONTENDED);
    }
  }

  @Test
  void restartIsStacklessControlFlow() {
    assertThat(Restart.CONTENDED.getStackTrace()).isEmpty();
    assertThat(Restart.CONTENDED.getSuppressed()).isEmpty();
    Restart.CONTENDED.addSuppressed(new RuntimeException("ignored"));
    assertThat(Restart.CONTENDED.getSuppressed()).as("suppression disabled").isEmpty();
    assertThat(Restart.CONTENDED).hasMessage("lock contended");
  }

  @Test
  void locksAreRecursivePerTransaction() {
    Page p = new Page(0);
    a.lock(p);
    a.lock(p);
    a.lock(p);
    assertThat(a.heldCount()).as("recorded once").isEqualTo(1);
    assertThat(a.holds(p)).isTrue();
    a.releaseAll();
    assertThat(p.looksUnlocked()).as("one release frees a recursively taken lock").isTrue();
    b.lock(p);
    assertThat(b.holds(p)).isTrue();
  }

  @Test
  void releaseAllFreesEveryLockBeyondTheInitialCapacity() {
    List<KObject> objs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      KObject o = i % 2 == 0 ? new Endpoint(i) : new Process(i);
      objs.add(o);
      a.lock(o);
    }
    assertThat(a.heldCount()).isEqualTo(40);
    assertThat(objs).allMatch(a::holds);
    a.releaseAll();
    assertThat(a.heldCount()).isZero();
    assertThat(objs).allMatch(KObject::looksUnlocked);
    assertThat(objs).noneMatch(a::holds);
    for (KObject o : objs) {
      b.lock(o);
    }
    assertThat(b.heldCount()).isEqualTo(40);
    b.releaseAll();
    a.releaseAll(); // releasing with nothing held is harmless
    assertThat(objs).allMatch(KObject::looksUnlocked);
  }

  @Test
  void takingANewLockAfterCommitIsAnIllegalStateException() {
    Endpoint held = new Endpoint(1);
    Endpoint other = new Endpoint(2);
    a.lock(held);
    a.commit();
    assertThat(a.committed()).isTrue();
    assertThatThrownBy(() -> a.lock(other))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("commit");
    assertThat(other.looksUnlocked()).as("the refused lock was not taken").isTrue();
    assertThat(a.heldCount()).isEqualTo(1);
  }

  @Test
  void relockingAnAlreadyHeldObjectAfterCommitIsAllowed() {
    Endpoint held = new Endpoint(1);
    a.lock(held);
    a.commit();
    a.lock(held);
    assertThat(a.heldCount()).isEqualTo(1);
  }

  @Test
  void commitCheckPrecedesContention() {
    Endpoint ep = new Endpoint(1);
    b.lock(ep);
    a.commit();
    assertThatThrownBy(() -> a.lock(ep)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void releaseAllEndsTheCommittedStateSoTheNextCallMayLock() {
    Endpoint ep = new Endpoint(1);
    a.commit();
    a.releaseAll();
    assertThat(a.committed()).isFalse();
    a.lock(ep);
    assertThat(a.holds(ep)).isTrue();
  }

  @Test
  void aLockReleasedByItsHolderCanBeTakenByTheOther() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep);
    a.releaseAll();
    b.lock(ep);
    assertThat(b.holds(ep)).isTrue();
    assertThat(a.holds(ep)).isFalse();
    assertThatThrownBy(() -> a.lock(ep)).isSameAs(Restart.CONTENDED);
  }

  /**
   * Two threads, each acting as one CPU's transaction, take the same two locks, bump plain
   * (non-volatile) counters under them and release: the lock must give mutual exclusion and make
   * the writes visible, and a contended lock must end in Restart, never in a hang. A restarted call
   * backs off for a random, growing number of spins first, as the kernel's Gate does.
   */
  @Test
  void twoCpusContendingForTheSameLocksExcludeEachOtherAndAlwaysProgress() throws Exception {
    int rounds = 50_000;
    Endpoint x = new Endpoint(1);
    Endpoint y = new Endpoint(2);
    long[] counters = new long[2];
    AtomicLong restarts = new AtomicLong();
    CyclicBarrier start = new CyclicBarrier(2);
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread[] ts = new Thread[2];
    for (int i = 0; i < 2; i++) {
      Transaction txn = scheduler.cpu(i).txn;
      // opposite lock orders: a waiting holder would deadlock, a restarting one cannot
      KObject first = i == 0 ? x : y;
      KObject second = i == 0 ? y : x;
      ts[i] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      java.util.SplittableRandom rnd = new java.util.SplittableRandom(txn.cpu.id);
                      start.await();
                      int done = 0;
                      int attempts = 0;
                      while (done < rounds) {
                        try {
                          txn.lock(first);
                          txn.lock(second);
                          txn.commit();
                          counters[0]++;
                          counters[1] += 2;
                          done++;
                          attempts = 0;
                        } catch (Restart r) {
                          restarts.incrementAndGet();
                          txn.releaseAll();
                          int spins = rnd.nextInt(1 << Math.min(++attempts, 10));
                          for (int s = 0; s < spins; s++) {
                            Thread.onSpinWait();
                          }
                        } finally {
                          txn.releaseAll();
                        }
                      }
                    } catch (Throwable t) {
                      errors.add(t);
                    }
                  });
    }
    for (Thread t : ts) {
      t.join(30_000);
      assertThat(t.isAlive()).as("no livelock or hang").isFalse();
    }
    assertThat(errors).isEmpty();
    assertThat(counters[0]).isEqualTo(2L * rounds);
    assertThat(counters[1]).isEqualTo(4L * rounds);
    assertThat(x.looksUnlocked()).isTrue();
    assertThat(y.looksUnlocked()).isTrue();
  }
}
