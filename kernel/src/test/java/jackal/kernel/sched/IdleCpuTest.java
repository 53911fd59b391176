package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.obj.Process;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** An idle CPU spins only briefly, then parks: a kernel with nothing to run burns no core. */
class IdleCpuTest {

  @Test
  void cpusOfAKernelWithNothingToRunUseAlmostNoCpuTime() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(mx.isThreadCpuTimeSupported(), "no per-thread CPU time here");
    mx.setThreadCpuTimeEnabled(true);
    // A spin budget of 50 us (more than the default), two CPUs, nothing ever made ready.
    Scheduler s =
        new Scheduler(2, 2, TimeUnit.MICROSECONDS.toNanos(50), 500_000, p -> {}, line -> {});
    s.start();
    try {
      for (int c = 0; c < 2; c++) {
        while (!s.cpu(c).isParked()) {
          Thread.sleep(1);
        }
      }
      long[] before = cpuTimes(mx, s);
      long wallBefore = System.nanoTime();
      Thread.sleep(1000);
      long wall = System.nanoTime() - wallBefore;
      long[] after = cpuTimes(mx, s);
      for (int c = 0; c < 2; c++) {
        long used = after[c] - before[c];
        // Woken only by its park timeout (every 50 ms), each time for one spin budget: far under
        // 1% of the second. 3% leaves room for a loaded host's scheduler accounting.
        assertThat(used).as("CPU %d thread time over %d ns", c, wall).isLessThan(wall * 3 / 100);
      }
    } finally {
      s.stop();
    }
  }

  @Test
  void aCpuWithNothingToRunCountsItsTimeAsIdleAndMostOfItAsParked() throws Exception {
    Scheduler s =
        new Scheduler(2, 2, TimeUnit.MICROSECONDS.toNanos(50), 500_000, p -> {}, line -> {});
    long started = System.nanoTime();
    s.start();
    for (int c = 0; c < 2; c++) {
      while (s.cpu(c).parks() < 3) { // each park ends by its 50 ms timeout: ~150 ms of idling
        Thread.sleep(5);
      }
    }
    s.stop(); // joins the CPU threads: their counters are final and visible from here
    long lifetime = System.nanoTime() - started;
    for (int c = 0; c < 2; c++) {
      Cpu cpu = s.cpu(c);
      assertThat(cpu.dispatches()).isZero();
      // Two parks ended by their timeout (a park may also return early, spuriously: one is
      // enough to show that parked time is counted).
      assertThat(cpu.parkedNanos()).isGreaterThanOrEqualTo(50_000_000L);
      assertThat(cpu.idleNanos()).isGreaterThanOrEqualTo(cpu.parkedNanos()).isLessThan(lifetime);
    }
  }

  /**
   * CPU 0 is busy and its queue holds a process pinned to CPU 0: CPU 1 can take none of it, so
   * after one failed steal it parks, instead of retrying the steal (and taking CPU 0's queue lock)
   * at full speed for as long as that process waits. Work it may run, added afterwards, is still
   * taken.
   */
  @Test
  void anIdleCpuFacingOnlyWorkPinnedElsewhereParksAndStillTakesWorkAddedLater() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(mx.isThreadCpuTimeSupported(), "no per-thread CPU time here");
    mx.setThreadCpuTimeEnabled(true);
    Process hog = new Process(1);
    Process pinned = new Process(2);
    Process free = new Process(3);
    hog.cpuMask = 1L << 0;
    pinned.cpuMask = 1L << 0;
    pinned.homeCpu = 0;
    free.homeCpu = 0; // may run anywhere; queued behind the hog on CPU 0
    CountDownLatch queued = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch freeRan = new CountDownLatch(1);
    AtomicInteger freeRanOn = new AtomicInteger(-1);
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        new Scheduler(
            2,
            2,
            TimeUnit.MICROSECONDS.toNanos(50),
            500_000,
            p -> {
              Scheduler sch = self[0];
              if (p == hog) {
                sch.makeReady(pinned, false, sch.cpu(0)); // onto CPU 0's queue, behind the hog
                queued.countDown();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (release.getCount() > 0 && System.nanoTime() < deadline) {
                  Thread.onSpinWait(); // a program may not block: CPU 0 stays busy
                }
              } else if (p == free) {
                freeRanOn.set(sch.currentCpu().id);
                freeRan.countDown();
              }
            },
            line -> {});
    self[0] = s;
    s.place(hog);
    s.makeReady(hog, false, null);
    s.start();
    try {
      assertThat(queued.await(10, TimeUnit.SECONDS)).isTrue();
      long parkDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!s.cpu(1).isParked() && System.nanoTime() < parkDeadline) {
        Thread.sleep(1);
      }
      assertThat(s.cpu(1).isParked()).as("CPU 1 parked").isTrue();
      long before = mx.getThreadCpuTime(s.cpu(1).thread().threadId());
      long wallBefore = System.nanoTime();
      Thread.sleep(500);
      long wall = System.nanoTime() - wallBefore;
      long used = mx.getThreadCpuTime(s.cpu(1).thread().threadId()) - before;
      assertThat(used).as("CPU 1 thread time over %d ns", wall).isLessThan(wall * 3 / 100);
      assertThat(s.cpu(1).dispatches()).isZero();
      // The queue's mask union already says that nothing there is for CPU 1: no lock taken.
      assertThat(s.cpu(1).missedSteals()).isZero();

      s.makeReady(free, false, null); // onto busy CPU 0's queue: CPU 1 may run it
      assertThat(freeRan.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(freeRanOn.get()).isEqualTo(1);
    } finally {
      release.countDown();
      s.stop();
    }
  }

  private static long[] cpuTimes(ThreadMXBean mx, Scheduler s) {
    long[] t = new long[s.cpuCount()];
    for (int c = 0; c < t.length; c++) {
      t[c] = mx.getThreadCpuTime(s.cpu(c).thread().threadId());
    }
    return t;
  }
}
