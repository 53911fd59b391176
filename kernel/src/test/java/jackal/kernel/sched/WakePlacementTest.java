package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.obj.Process;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Where a woken process runs, on a two-CPU machine whose CPU 0 is idle: a process woken for a
 * caller that waits for it (a call's receive phase: slice donation) runs on the caller's CPU, not
 * where it last ran, unless its mask forbids that CPU; a process woken without a waiting caller (a
 * send) runs where it last ran. The first rule is what keeps an unpinned client and its server on
 * one CPU whatever stealing does to either (docs/DESIGN-NOTES.md, "Where a woken process runs").
 */
class WakePlacementTest {
  /** A started two-CPU scheduler (one node, no idle spin) running {@code body}. */
  private static Scheduler twoCpus(Consumer<Process> body) {
    return new Scheduler(2, 2, 0, 1_000_000, body, line -> {});
  }

  private static void awaitParked(Scheduler s, int cpu) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!s.cpu(cpu).isParked() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  /**
   * Runs {@code caller} on CPU 1, which wakes {@code woken} (last run on CPU 0, which is parked by
   * then) with slice donation or not, and returns the CPU {@code woken} ran on.
   */
  private static int wokenRunsOn(Process woken, boolean callerWaits) throws Exception {
    Process caller = new Process(1);
    caller.cpuMask = 1L << 1;
    caller.homeCpu = 1;
    woken.homeCpu = 0; // it last ran on CPU 0
    AtomicInteger ranOn = new AtomicInteger(-1);
    CountDownLatch ran = new CountDownLatch(1);
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        twoCpus(
            p -> {
              Scheduler sch = self[0];
              if (p == caller) {
                awaitParked(sch, 0); // CPU 0 is free to take it: only the policy keeps it off
                sch.makeReady(woken, callerWaits, sch.currentCpu());
              } else {
                ranOn.set(sch.currentCpu().id);
                ran.countDown();
              }
            });
    self[0] = s;
    s.makeReady(caller, false, null);
    s.start();
    try {
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      return ranOn.get();
    } finally {
      s.stop();
    }
  }

  @Test
  void aServerWokenForItsWaitingCallerRunsOnTheCallersCpuNotWhereItLastRan() throws Exception {
    Process server = new Process(2); // may run anywhere
    assertThat(wokenRunsOn(server, true)).isEqualTo(1);
  }

  @Test
  void aPinnedServerWokenForACallerOnAnotherCpuRunsOnItsOwnCpu() throws Exception {
    Process server = new Process(2);
    server.cpuMask = 1L << 0;
    assertThat(wokenRunsOn(server, true)).isEqualTo(0);
  }

  @Test
  void aProcessWokenWithoutAWaitingCallerRunsWhereItLastRan() throws Exception {
    Process receiver = new Process(2); // may run anywhere; a send's sender keeps its slice
    assertThat(wokenRunsOn(receiver, false)).isEqualTo(0);
  }
}
