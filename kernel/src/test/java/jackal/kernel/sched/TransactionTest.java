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

  // ---- the CPUs' own locks (docs/DESIGN-NOTES.md, "What the locks cost")

  @Test
  void anObjectFirstLockedByACpusTransactionJoinsThatCpusDomainAndIsThenGuardedByItsOwnLock() {
    Endpoint ep = new Endpoint(1);
    assertThat(ep.domain()).isZero();
    a.lock(ep);
    assertThat(ep.domain()).as("joined CPU 0's domain").isEqualTo(1);
    assertThat(a.heldCount()).isEqualTo(1);
    a.releaseAll();

    a.lock(ep);
    assertThat(ep.looksUnlocked()).as("its word is not taken again").isTrue();
    assertThat(a.holds(ep)).isTrue();
    assertThat(a.heldCount()).as("the CPU's own lock, counted once").isEqualTo(1);
    a.lock(ep);
    a.lock(new Endpoint(2)); // never locked: joins, by its word this once
    assertThat(a.heldCount()).isEqualTo(2);
    a.releaseAll();
    assertThat(a.heldCount()).isZero();
    assertThat(a.holds(ep)).isFalse();
  }

  @Test
  void anotherCpuEvictsAnObjectFromADomainAndLocksItByItsWord() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep);
    a.releaseAll();
    b.lock(ep);
    assertThat(ep.domain()).isEqualTo(KObject.SHARED);
    assertThat(ep.isLockedBy(b.id)).isTrue();
    assertThat(b.evictions()).isEqualTo(1);
    assertThatThrownBy(() -> a.lock(ep))
        .as("its old CPU locks it by its word now, which CPU 1 holds")
        .isSameAs(Restart.CONTENDED);
    b.releaseAll();
    a.lock(ep);
    assertThat(ep.isLockedBy(a.id)).isTrue();
    assertThat(ep.domain()).as("shared").isEqualTo(KObject.SHARED);
    a.releaseAll();
  }

  /**
   * A process that moved to another CPU (a steal) takes its objects along: a shared object one
   * CPU's transactions lock {@link Transaction#REJOIN_AFTER} times in a row joins that CPU's domain
   * again. Two CPUs that lock it in turn (a cross-CPU call run at its caller) keep it shared,
   * however long they go on, and a lock by another CPU starts the count again.
   */
  @Test
  void aSharedObjectOneCpuLocksManyTimesInARowJoinsItsDomainAgainButOneTwoCpusLockInTurnDoesNot() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep);
    a.releaseAll();
    b.lock(ep); // evicted from CPU 0's domain: shared, CPU 1's first lock in a row
    b.releaseAll();
    assertThat(ep.domain()).isEqualTo(KObject.SHARED);
    for (int i = 0; i < 10 * Transaction.REJOIN_AFTER; i++) {
      Transaction t = i % 2 == 0 ? a : b;
      t.lock(ep);
      assertThat(ep.isLockedBy(t.id)).as("by its word").isTrue();
      t.releaseAll();
    }
    assertThat(ep.domain()).as("two CPUs in turn").isEqualTo(KObject.SHARED);

    for (int i = 1; i < Transaction.REJOIN_AFTER; i++) {
      a.lock(ep);
      a.lock(ep); // taken again in the same transaction: not a lock of its own
      a.releaseAll();
    }
    assertThat(ep.domain()).as("one lock short of the run").isEqualTo(KObject.SHARED);
    a.lock(ep);
    assertThat(ep.isLockedBy(a.id)).as("the run's last lock takes the word").isTrue();
    assertThat(ep.domain()).as("joined CPU 0's domain").isEqualTo(1);
    a.releaseAll();
    a.lock(ep);
    assertThat(ep.looksUnlocked()).as("then guarded by CPU 0's own lock").isTrue();
    a.releaseAll();

    b.lock(ep);
    b.releaseAll();
    assertThat(ep.domain()).as("evicted again by CPU 1").isEqualTo(KObject.SHARED);
    for (int i = 1; i < Transaction.REJOIN_AFTER; i++) {
      b.lock(ep);
      b.releaseAll();
    }
    assertThat(ep.domain()).as("CPU 1's eviction began its run").isEqualTo(2);
  }

  /**
   * The attack on the rejoin: a program on each CPU working on one object so that CPU 1 keeps
   * evicting it from CPU 0's domain, each eviction taking CPU 0's own lock for a moment. An object
   * rejoins only after a run of {@link Transaction#REJOIN_AFTER} of CPU 0's own locks, so CPU 0
   * pays at most one eviction per run of that many of its own transactions; with shorter runs it
   * never rejoins and costs nothing more.
   */
  @Test
  void anAttackerMovingAnObjectBetweenCpusCostsTheOwnerAtMostOneEvictionPerRunOfItsOwnLocks() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep);
    a.releaseAll();
    b.lock(ep);
    b.releaseAll(); // shared from here
    long ownLocks = 0;
    long before = b.evictions();
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < Transaction.REJOIN_AFTER - 1; i++) {
        a.lock(ep);
        a.releaseAll();
        ownLocks++;
      }
      b.lock(ep); // one short of the run: the count starts again, nothing to evict
      b.releaseAll();
    }
    assertThat(b.evictions() - before).as("runs one short never rejoin").isZero();
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < Transaction.REJOIN_AFTER; i++) {
        a.lock(ep);
        a.releaseAll();
        ownLocks++;
      }
      b.lock(ep);
      b.releaseAll();
    }
    assertThat(b.evictions() - before)
        .as("one eviction per full run")
        .isEqualTo(50)
        .isLessThanOrEqualTo(ownLocks / Transaction.REJOIN_AFTER);
  }

  /**
   * The attack an eviction must not win: another CPU takes an object out of a domain while that
   * CPU's transaction is using it. It cannot: the eviction needs the CPU's own lock, so it ends in
   * Restart after a bounded spin, and the object stays where it was until the transaction ends.
   */
  @Test
  void noEvictionTakesAnObjectFromATransactionUsingItThroughItsCpusLock() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep);
    a.releaseAll();
    a.lock(ep); // through CPU 0's own lock

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> b.lock(ep)).isSameAs(Restart.CONTENDED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
    assertThat(ep.domain()).isEqualTo(1);
    b.releaseAll(); // as after every Restart
    assertThat(ep.looksUnlocked()).as("the word it took on its way is let go").isTrue();
    int outside = KObject.newOwnerId();
    assertThat(Transaction.tryLockOutside(ep, outside, scheduler)).isFalse();
    assertThat(ep.looksUnlocked()).as("the refused locker holds nothing").isTrue();
    assertThat(b.heldElsewhere(ep)).as("CPU 1's dispatch sees it held").isTrue();
    assertThat(a.heldElsewhere(ep)).as("not by anyone else, to CPU 0").isFalse();

    a.releaseAll();
    assertThat(b.heldElsewhere(ep)).isFalse();
    assertThat(Transaction.tryLockOutside(ep, outside, scheduler)).isTrue();
    assertThat(ep.domain()).as("out of CPU 0's domain").isZero();
    assertThat(b.heldElsewhere(ep)).as("its word is held now").isTrue();
    ep.unlock();
  }

  /**
   * The attack on liveness: a CPU whose transactions follow each other without pause (a program
   * that traps in a tight loop) holds its own lock nearly all the time. Another CPU that needs an
   * object of its domain still gets it, restarting as for any held lock, within a bounded time.
   */
  @Test
  void aCpuBusyWithBackToBackTransactionsCannotKeepAnotherFromEvictingItsObject() throws Exception {
    Endpoint mine = new Endpoint(1);
    Endpoint wanted = new Endpoint(2);
    a.lock(mine);
    a.lock(wanted);
    a.releaseAll(); // both in CPU 0's domain
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread busy =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!stop.get()) {
                    try {
                      a.lock(mine);
                    } catch (Restart r) {
                      // an evictor held CPU 0's lock for a moment
                    }
                    a.releaseAll();
                  }
                });
    try {
      long t0 = System.nanoTime();
      java.util.SplittableRandom rnd = new java.util.SplittableRandom(3);
      int restarts = 0;
      for (int attempts = 1; ; attempts++) {
        try {
          b.lock(wanted);
          break;
        } catch (Restart r) {
          restarts++;
          b.releaseAll();
          int spins = rnd.nextInt(1 << Math.min(attempts, 10));
          for (int i = 0; i < spins; i++) {
            Thread.onSpinWait();
          }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
            .as("evicted within a bounded time (%d restarts so far)", restarts)
            .isLessThan(Duration.ofSeconds(5));
      }
      assertThat(wanted.domain()).isEqualTo(KObject.SHARED);
      assertThat(mine.domain()).as("the busy CPU keeps its own").isEqualTo(1);
      b.releaseAll();
    } finally {
      stop.set(true);
      busy.join();
    }
  }

  /**
   * Every locker evicts an object it finds in another CPU's domain only once it holds the object's
   * word, so that an object a CPU joined to its domain while the locker waited for the word (the
   * CPU held the word then) is evicted too; until the locker has it, the domain is left alone.
   */
  @Test
  void anObjectIsEvictedOnlyByALockerHoldingItsWord() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep); // joins CPU 0's domain, holding its word
    int outside = KObject.newOwnerId();
    assertThat(Transaction.tryLockOutside(ep, outside, scheduler))
        .as("the word is CPU 0's")
        .isFalse();
    assertThatThrownBy(() -> b.lock(ep)).isSameAs(Restart.CONTENDED);
    assertThat(ep.domain()).as("still CPU 0's").isEqualTo(1);
    assertThat(ep.isLockedBy(a.id)).isTrue();
    a.releaseAll();
    assertThat(Transaction.tryLockOutside(ep, outside, scheduler)).isTrue();
    assertThat(ep.domain()).as("out of CPU 0's domain").isZero();
    assertThat(Transaction.tryLockOutside(ep, outside, scheduler)).as("taken before").isTrue();
    ep.unlock();
  }

  /**
   * A checkpoint, a view or the kernel timer locks objects from outside the CPUs, which says
   * nothing about which CPUs use them: an object it takes from a CPU's domain goes back to no
   * domain, and the next CPU to lock it joins it again, so that a kernel that persists (a
   * checkpoint locks every changed object every few seconds) keeps its CPUs' own locks.
   */
  @Test
  void aLockerOutsideTheCpusPutsAnObjectBackInNoDomainAndTheNextCpuToLockItJoinsItAgain() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep);
    a.releaseAll();
    int outside = KObject.newOwnerId();
    assertThat(Transaction.tryLockOutside(ep, outside, scheduler)).isTrue();
    assertThat(ep.domain()).as("in no domain while the outside locker holds it").isZero();
    assertThatThrownBy(() -> a.lock(ep))
        .as("its CPU meets the outside locker's word")
        .isSameAs(Restart.CONTENDED);
    a.releaseAll();
    ep.unlock();

    a.lock(ep);
    assertThat(ep.isLockedBy(a.id)).as("joined again by its word").isTrue();
    assertThat(ep.domain()).isEqualTo(1);
    a.releaseAll();
    a.lock(ep);
    assertThat(ep.looksUnlocked()).as("then guarded by CPU 0's own lock again").isTrue();
    assertThat(a.holds(ep)).isTrue();
    a.releaseAll();
    assertThat(b.evictions() + a.evictions()).as("no CPU evicted anything").isZero();

    assertThat(Transaction.tryLockOutside(ep, outside, scheduler)).isTrue();
    ep.unlock();
    b.lock(ep);
    assertThat(ep.domain()).as("the first CPU to lock it next takes it").isEqualTo(2);
    b.releaseAll();
  }

  /** An object two CPUs have locked stays shared whatever lockers outside the CPUs do. */
  @Test
  void anObjectTwoCpusLockedStaysSharedAfterALockerOutsideTheCpus() {
    Endpoint ep = new Endpoint(1);
    a.lock(ep);
    a.releaseAll();
    b.lock(ep);
    b.releaseAll();
    assertThat(ep.domain()).isEqualTo(KObject.SHARED);
    int outside = KObject.newOwnerId();
    assertThat(Transaction.tryLockOutside(ep, outside, scheduler)).isTrue();
    assertThat(ep.domain()).isEqualTo(KObject.SHARED);
    ep.unlock();
    a.lock(ep);
    assertThat(ep.isLockedBy(a.id)).as("locked by its word, as every shared object").isTrue();
    assertThat(ep.domain()).isEqualTo(KObject.SHARED);
    a.releaseAll();
  }

  /**
   * Two CPUs' transactions and a locker outside them lock objects that keep being replaced by new
   * ones, so objects join domains, are used through a CPU's own lock, are evicted and locked by
   * their words, all at once: no object is ever held by two of them, and no update is lost.
   */
  @Test
  void objectsJoiningAndLeavingDomainsUnderContentionAreNeverHeldByTwoLockersAtOnce()
      throws Exception {
    int slots = 6;
    int rounds = 60_000;
    java.util.concurrent.atomic.AtomicReferenceArray<Endpoint> table =
        new java.util.concurrent.atomic.AtomicReferenceArray<>(slots);
    java.util.concurrent.ConcurrentHashMap<KObject, long[]> state =
        new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ConcurrentHashMap<KObject, AtomicLong> expected =
        new java.util.concurrent.ConcurrentHashMap<>();
    AtomicLong nextOid = new AtomicLong(1);
    for (int i = 0; i < slots; i++) {
      Endpoint e = new Endpoint(nextOid.getAndIncrement());
      state.put(e, new long[2]);
      expected.put(e, new AtomicLong());
      table.set(i, e);
    }
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    CyclicBarrier start = new CyclicBarrier(3);
    int outside = KObject.newOwnerId();
    Thread[] ts = new Thread[3];
    for (int t = 0; t < 3; t++) {
      int who = t;
      ts[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      java.util.SplittableRandom rnd =
                          new java.util.SplittableRandom(who * 31L + 7);
                      start.await();
                      for (int r = 0; r < rounds; r++) {
                        if (who == 0 && r % 200 == 0) {
                          Endpoint fresh = new Endpoint(nextOid.getAndIncrement());
                          state.put(fresh, new long[2]);
                          expected.put(fresh, new AtomicLong());
                          table.set(rnd.nextInt(slots), fresh); // joins a domain at its first lock
                        }
                        KObject x = table.get(rnd.nextInt(slots));
                        KObject y = table.get(rnd.nextInt(slots));
                        if (who < 2) {
                          Transaction txn = scheduler.cpu(who).txn;
                          for (int attempts = 1; ; attempts++) {
                            try {
                              txn.lock(x);
                              txn.lock(y);
                              break;
                            } catch (Restart e) {
                              txn.releaseAll();
                              int spins = rnd.nextInt(1 << Math.min(attempts, 10));
                              for (int s = 0; s < spins; s++) {
                                Thread.onSpinWait();
                              }
                            }
                          }
                          use(x, state, expected, errors);
                          if (y != x) {
                            use(y, state, expected, errors);
                          }
                          txn.releaseAll();
                        } else {
                          while (!Transaction.tryLockOutside(x, outside, scheduler)) {
                            Thread.onSpinWait();
                          }
                          use(x, state, expected, errors);
                          x.unlock();
                        }
                      }
                    } catch (Throwable e) {
                      errors.add(e);
                    }
                  });
    }
    for (Thread t : ts) {
      t.join(60_000);
      assertThat(t.isAlive()).as("no livelock or hang").isFalse();
    }
    assertThat(errors).isEmpty();
    for (var e : state.entrySet()) {
      assertThat(e.getValue()[0])
          .as("updates of %s", e.getKey())
          .isEqualTo(expected.get(e.getKey()).get());
      assertThat(e.getKey().looksUnlocked()).isTrue();
    }
    assertThat(a.evictions() + b.evictions()).as("objects did leave domains").isPositive();
  }

  /** An update of {@code o}'s plain counter under its lock, watching for anyone else inside. */
  private static void use(
      KObject o,
      java.util.Map<KObject, long[]> state,
      java.util.Map<KObject, AtomicLong> expected,
      List<Throwable> errors) {
    long[] s = state.get(o);
    if (s[1] != 0) {
      errors.add(new AssertionError("two lockers inside " + o));
    }
    s[1] = 1;
    long v = s[0];
    Thread.onSpinWait();
    s[0] = v + 1;
    s[1] = 0;
    expected.get(o).incrementAndGet();
  }
}
