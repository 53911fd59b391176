package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.obj.Process;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Work that lands on a busy CPU's queue is taken by a parked CPU of the same node. */
class WakePeerTest {

  @Test
  void processWokenOntoABusyCpuIsStolenByAParkedPeerWhileTheBusyOneComputes() throws Exception {
    Process hog = new Process(1);
    Process woken = new Process(2);
    hog.cpuMask = 1L; // CPU 0 only
    woken.homeCpu = 0;
    CountDownLatch wokenRan = new CountDownLatch(1);
    AtomicBoolean ranDuringHog = new AtomicBoolean();
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        new Scheduler(
            2,
            2,
            0,
            1_000_000,
            p -> {
              if (p == hog) {
                Scheduler sch = self[0];
                while (!sch.cpu(1).isParked()) {
                  Thread.onSpinWait();
                }
                // Woken onto this CPU's own queue while this CPU keeps computing: before, a parked
                // CPU 1 slept for good; now it wakes (on its park timeout at the latest) and
                // steals.
                sch.makeReady(woken, false, sch.cpu(0));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (wokenRan.getCount() > 0 && System.nanoTime() < deadline) {
                  Thread.onSpinWait();
                }
                ranDuringHog.set(wokenRan.getCount() == 0);
              } else {
                wokenRan.countDown();
              }
            },
            line -> {});
    self[0] = s;
    s.place(hog);
    s.makeReady(hog, false, null);
    s.start();
    try {
      assertThat(wokenRan.await(10, TimeUnit.SECONDS)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!hog.exited && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertThat(ranDuringHog).isTrue();
      assertThat(s.cpu(1).steals()).isPositive();
    } finally {
      s.stop();
    }
  }
}
