package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.obj.Process;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * A process made ready onto an idle CPU from elsewhere is handed to it through its inbox, the one
 * line that CPU spins on: it runs there, nothing it takes from the inbox is counted as waiting work
 * while it runs, a CPU that is busy gets its work queued instead, and no wake-up racing with the
 * CPU's way into and out of its idle loop (and its parks) is ever lost.
 */
class InboxTest {
  private static final long CPU_1 = 1L << 1;

  /** Waits off the CPU, on no queue, until someone makes {@code p} ready. */
  private static void block(Process p) {
    p.afterYield = Process.AFTER_BLOCK;
    p.cont.yieldUnlessPinned();
  }

  /** A process {@code oid} that may run on CPU 1 only, and last ran there. */
  private static Process onCpu1(long oid) {
    Process p = new Process(oid);
    p.cpuMask = CPU_1;
    p.homeCpu = 1;
    return p;
  }

  /**
   * A started two-CPU scheduler (one node, 500 us slices) whose idle CPUs spin {@code spinNanos}
   * before they park, and whose processes' bodies run {@code body} with the CPU they run on.
   */
  private static Scheduler startTwoCpus(long spinNanos, java.util.function.Consumer<Cpu> body) {
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        new Scheduler(2, 2, spinNanos, 500_000, q -> body.accept(self[0].currentCpu()), line -> {});
    self[0] = s;
    s.start();
    return s;
  }

  private static void awaitIdle(Cpu cpu) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cpu.isIdle() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    assertThat(cpu.isIdle()).as("CPU %d idle", cpu.id).isTrue();
  }

  @Test
  void aProcessWokenOntoAnIdleCpuIsHandedOverThroughItsInboxAndRunsThere() throws Exception {
    Process p = onCpu1(1);
    CountDownLatch ran = new CountDownLatch(1);
    int[] ranOn = {-1};
    Scheduler s =
        startTwoCpus(
            TimeUnit.MICROSECONDS.toNanos(50),
            cpu -> {
              ranOn[0] = cpu.id;
              ran.countDown();
            });
    try {
      awaitIdle(s.cpu(1));
      s.makeReady(p, false, null);
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ranOn[0]).isEqualTo(1);
      assertThat(s.cpu(1).handoffs()).isEqualTo(1);
      assertThat(s.cpu(1).queue().adds()).as("never queued").isZero();
    } finally {
      s.stop();
    }
  }

  /**
   * The idle loop a handover ends reads no clock on its way out: the slice the handed process
   * starts reads it, and that reading closes the idle stretch, so the time spent idle before the
   * handover is still all counted.
   */
  @Test
  void theIdleTimeAHandoverEndsIsCountedByTheSliceItStarts() throws Exception {
    Process p = onCpu1(1);
    CountDownLatch ran = new CountDownLatch(1);
    long[] idleWhenRun = {-1};
    Scheduler s =
        startTwoCpus(
            TimeUnit.SECONDS.toNanos(10), // spins throughout: no park ends the stretch
            cpu -> {
              idleWhenRun[0] = cpu.idleNanos();
              ran.countDown();
            });
    try {
      awaitIdle(s.cpu(1));
      long before = s.cpu(1).idleNanos();
      Thread.sleep(50);
      s.makeReady(p, false, null);
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(s.cpu(1).handoffs()).isEqualTo(1);
      assertThat(idleWhenRun[0] - before).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    } finally {
      s.stop();
    }
  }

  /**
   * A shipped call's parameter words are handed over beside its process, in the inbox's line, so
   * that the CPU taking the call starts fetching the lines of both at once; no other hand-over
   * leaves words there.
   */
  @Test
  void aShippedCallsWordsAreHandedOverBesideItsProcessAndNoOtherHandOverCarriesAny()
      throws Exception {
    Process caller = onCpu1(1);
    long[] words = new long[jackal.kernel.api.ParameterBlock.WORDS];
    caller.shipWords = words;
    caller.shipStays = true; // its block is gone: the taking CPU reports the call not run
    Process woken = onCpu1(2);
    CountDownLatch ran = new CountDownLatch(1);
    Object[] wordsWhenRun = {"not run"};
    Scheduler s =
        startTwoCpus(
            TimeUnit.SECONDS.toNanos(10),
            cpu -> {
              wordsWhenRun[0] = cpu.handedWords;
              ran.countDown();
            });
    try {
      awaitIdle(s.cpu(1));
      assertThat(s.handShippedCall(caller, 1)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!caller.shipReturned && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(caller.shipReturned).isTrue();
      assertThat(caller.shipOutcome).isEqualTo(Process.SHIP_NOT_RUN);
      assertThat(s.cpu(1).handedWords).isSameAs(words);

      awaitIdle(s.cpu(1));
      s.makeReady(woken, false, null);
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(wordsWhenRun[0]).as("the words a plain wake leaves").isNull();
      assertThat(s.cpu(1).handoffs()).isEqualTo(2);
    } finally {
      s.stop();
    }
  }

  @Test
  void aProcessTakenFromTheInboxIsNotWaitingWorkWhileItRunsAndABusyCpuGetsItsWorkQueued()
      throws Exception {
    Process first = onCpu1(1);
    Process second = onCpu1(2);
    CountDownLatch firstRuns = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch secondRan = new CountDownLatch(1);
    Scheduler s =
        new Scheduler(
            2,
            2,
            TimeUnit.MICROSECONDS.toNanos(50),
            500_000,
            q -> {
              if (q == first) {
                firstRuns.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (release.getCount() > 0 && System.nanoTime() < deadline) {
                  Thread.onSpinWait(); // CPU 1 stays busy with it
                }
              } else {
                secondRan.countDown();
              }
            },
            line -> {});
    s.start();
    try {
      awaitIdle(s.cpu(1));
      s.makeReady(first, false, null);
      assertThat(firstRuns.await(10, TimeUnit.SECONDS)).isTrue();
      Cpu cpu1 = s.cpu(1);
      assertThat(cpu1.handoffs()).isEqualTo(1);
      // It stays in the inbox while it runs: still it is running, not waiting.
      assertThat(cpu1.hasWaiting()).isFalse();
      assertThat(cpu1.readyNow()).isEmpty();

      s.makeReady(second, false, null); // CPU 1 is busy: queued behind the one it runs
      assertThat(cpu1.readyNow()).containsExactly(second);
      assertThat(cpu1.hasWaiting()).isTrue();
      release.countDown();
      assertThat(secondRan.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(cpu1.handoffs()).isEqualTo(1);
    } finally {
      release.countDown();
      s.stop();
    }
  }

  /**
   * Four threads wake their own process onto CPU 1 as soon as it has run and waits again, with a
   * spin budget of 1 us so that CPU 1 moves between spinning, parking and running all the time:
   * every wake must be followed by its run (a stranded inbox or a lost unpark would leave a process
   * READY and never run, until this test's deadline).
   */
  @Test
  void wakesRacingWithTheIdleLoopAndItsParksAreNeverLost() throws Exception {
    int wakers = 4;
    int rounds = 3_000;
    Process[] ps = new Process[wakers];
    AtomicLongArray runs = new AtomicLongArray(wakers);
    AtomicBoolean stop = new AtomicBoolean();
    for (int i = 0; i < wakers; i++) {
      ps[i] = new Process(10 + i);
      ps[i].cpuMask = CPU_1;
      ps[i].homeCpu = 1;
    }
    Scheduler s =
        new Scheduler(
            2,
            2,
            TimeUnit.MICROSECONDS.toNanos(1),
            500_000,
            q -> {
              int i = (int) (q.oid - 10);
              while (!stop.get()) {
                runs.incrementAndGet(i);
                block(q);
              }
            },
            line -> {});
    s.start();
    Thread[] threads = new Thread[wakers];
    String[] failures = new String[wakers];
    for (int t = 0; t < wakers; t++) {
      int i = t;
      threads[t] =
          Thread.ofPlatform()
              .start(
                  () -> {
                    Process p = ps[i];
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    for (int k = 1; k <= rounds; k++) {
                      // Made ready only once it waits again (a READY or running one is no-op).
                      while ((runs.get(i) != k - 1 || p.sched != Process.IDLE)
                          && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                      }
                      s.makeReady(p, (k & 1) == 0, null);
                      while (runs.get(i) < k && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                      }
                      if (runs.get(i) < k) {
                        failures[i] = "wake " + k + " of process " + i + " never ran";
                        return;
                      }
                    }
                  });
    }
    try {
      for (Thread t : threads) {
        t.join();
      }
      assertThat(failures).containsOnlyNulls();
      for (int i = 0; i < wakers; i++) {
        assertThat(runs.get(i)).isEqualTo(rounds);
      }
      assertThat(s.cpu(1).handoffs()).as("some wakes went through the inbox").isPositive();
    } finally {
      stop.set(true);
      for (Process p : ps) {
        s.makeReady(p, false, null);
      }
      s.stop();
    }
  }
}
