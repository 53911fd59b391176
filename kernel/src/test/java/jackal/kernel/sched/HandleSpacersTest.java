package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The idle threads started around a kernel's CPU threads (HandleSpacers) wait parked for as long as
 * the CPUs run, and end with them: a kernel leaves no thread behind.
 */
class HandleSpacersTest {

  private static Scheduler started(int cpus) {
    Scheduler s =
        new Scheduler(cpus, cpus, TimeUnit.MICROSECONDS.toNanos(50), 500_000, p -> {}, line -> {});
    s.start();
    return s;
  }

  @Test
  void aGapOfSpacersPrecedesEveryCpuThreadAndFollowsTheLastAndEachWaitsParked() throws Exception {
    Scheduler s = started(3);
    try {
      List<Thread> spacers = s.spacers.threads();
      assertThat(spacers).hasSize(HandleSpacers.PER_GAP * (3 + 1));
      for (Thread t : spacers) {
        assertThat(t.isAlive()).as(t.getName()).isTrue();
        assertThat(t.isDaemon()).as(t.getName()).isTrue();
        while (t.getState() != Thread.State.WAITING) {
          Thread.sleep(1); // started, not yet at its park
        }
      }
    } finally {
      s.stop();
    }
  }

  @Test
  void theSpacersEndWhenTheKernelStops() throws Exception {
    Scheduler s = started(2);
    List<Thread> spacers = s.spacers.threads();
    s.stop(); // joins the CPU threads, then the spacers
    for (Thread t : spacers) {
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
  }

  @Test
  void theSpacersEndWhenAProgramHaltsTheKernel() throws Exception {
    Scheduler s = started(2);
    List<Thread> spacers = s.spacers.threads();
    s.halt(); // what SysCtl's halt does, from a CPU thread, without waiting
    for (Thread t : spacers) {
      t.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(t.isAlive()).as(t.getName()).isFalse();
    }
    s.stop();
  }
}
