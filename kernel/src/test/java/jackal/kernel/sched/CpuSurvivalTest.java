package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A CPU's dispatch loop survives whatever escapes a dispatch, and leaks no lock doing so. */
class CpuSurvivalTest {

  @Test
  void errorEscapingADispatchReleasesItsLocksAndTheCpuRunsTheNextProcess() throws Exception {
    List<String> reported = new CopyOnWriteArrayList<>();
    Endpoint held = new Endpoint(7);
    CountDownLatch secondRan = new CountDownLatch(1);
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        new Scheduler(
            1,
            1,
            0,
            1_000_000,
            p -> {
              if (p.oid == 1) {
                // What the kernel's own code could meet with locks held: memory running out.
                self[0].currentCpu().txn.lock(held);
                throw new OutOfMemoryError("simulated");
              }
              secondRan.countDown();
            },
            reported::add);
    self[0] = s;
    Process first = new Process(1);
    Process second = new Process(2);
    for (Process p : new Process[] {first, second}) {
      s.place(p);
      s.makeReady(p, false, null);
    }
    s.start();
    try {
      assertThat(secondRan.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(held.looksUnlocked()).isTrue();
      assertThat(s.cpu(0).errors()).isEqualTo(1);
      assertThat(first.exited).isTrue();
      assertThat(reported).singleElement().asString().contains("simulated");
    } finally {
      s.stop();
    }
  }

  @Test
  void carrierInterruptedByAProgramIsClearedAfterTheDispatch() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    Scheduler s =
        new Scheduler(
            1,
            1,
            0,
            1_000_000,
            p -> {
              Thread.currentThread().interrupt();
              ran.countDown();
            },
            line -> {});
    Process vandal = new Process(1);
    s.place(vandal);
    s.makeReady(vandal, false, null);
    s.start();
    try {
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!s.cpu(0).isParked() && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long parks = s.cpu(0).parks();
      Thread.sleep(200);
      // Parked on its timeout (50 ms), not returning from every park at once.
      assertThat(s.cpu(0).parks() - parks).isLessThan(20);
    } finally {
      s.stop();
    }
  }
}
