package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** An idle CPU spins only briefly, then parks: a kernel with nothing to run burns no core. */
class IdleCpuTest {

  @Test
  void cpusOfAKernelWithNothingToRunUseAlmostNoCpuTime() throws Exception {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Assumptions.assumeTrue(mx.isThreadCpuTimeSupported(), "no per-thread CPU time here");
    mx.setThreadCpuTimeEnabled(true);
    // The kernel's default spin budget (50 us), two CPUs, nothing ever made ready.
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

  private static long[] cpuTimes(ThreadMXBean mx, Scheduler s) {
    long[] t = new long[s.cpuCount()];
    for (int c = 0; c < t.length; c++) {
      t[c] = mx.getThreadCpuTime(s.cpu(c).thread().threadId());
    }
    return t;
  }
}
