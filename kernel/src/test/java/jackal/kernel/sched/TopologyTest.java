package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.boot.KernelConfig;
import jackal.kernel.obj.Process;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A simulated machine of two nodes, {0,1} and {2,3}: work waiting on a busy CPU is taken by an idle
 * CPU of the same node before any CPU of the other node, and by the other node only when its own
 * node has no idle CPU.
 */
class TopologyTest {
  private static final long NODE_0 = 0b0011;
  private static final long NODE_1 = 0b1100;

  /** A four-CPU scheduler of nodes {0,1} and {2,3} that runs {@code body}, not yet started. */
  private static Scheduler twoNodes(Consumer<Process> body) {
    Scheduler s = new Scheduler(4, 4, 0, 1_000_000, body, line -> {});
    s.defineNodes(NODE_0, NODE_1);
    return s;
  }

  /** Spins (a CPU's program may not block) until {@code done} opens, for at most 10 seconds. */
  private static void computeUntil(CountDownLatch done) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (done.getCount() > 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private static void awaitParked(Scheduler s, int... cpus) {
    for (int c : cpus) {
      while (!s.cpu(c).isParked()) {
        Thread.onSpinWait();
      }
    }
  }

  @Test
  void workWaitingOnNodeZeroIsTakenByNodeZerosIdleCpuNotByNodeOnes() throws Exception {
    Process hog = new Process(1);
    Process work = new Process(2);
    hog.cpuMask = 1L << 0;
    work.homeCpu = 0; // may run anywhere; it last ran on CPU 0
    AtomicInteger ranOn = new AtomicInteger(-1);
    CountDownLatch workRan = new CountDownLatch(1);
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        twoNodes(
            p -> {
              Scheduler sch = self[0];
              if (p == hog) {
                awaitParked(sch, 1, 2, 3);
                sch.makeReady(work, false, sch.cpu(0)); // onto CPU 0's queue, CPU 0 stays busy
                computeUntil(workRan);
              } else {
                ranOn.set(sch.currentCpu().id);
                workRan.countDown();
              }
            });
    self[0] = s;
    s.place(hog);
    s.makeReady(hog, false, null);
    s.start();
    try {
      assertThat(workRan.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ranOn.get()).isEqualTo(1);
      assertThat(s.cpu(2).steals() + s.cpu(3).steals()).isZero();
    } finally {
      s.stop();
    }
  }

  @Test
  void workWaitingOnABusyNodeIsTakenByAnIdleCpuOfTheOtherNode() throws Exception {
    Process hog0 = new Process(1);
    Process hog1 = new Process(2);
    Process work = new Process(3);
    hog0.cpuMask = 1L << 0;
    hog1.cpuMask = 1L << 1;
    hog1.homeCpu = 1;
    work.homeCpu = 0;
    AtomicInteger ranOn = new AtomicInteger(-1);
    CountDownLatch hog1Running = new CountDownLatch(1);
    CountDownLatch workRan = new CountDownLatch(1);
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        twoNodes(
            p -> {
              Scheduler sch = self[0];
              if (p == hog0) {
                try {
                  hog1Running.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                awaitParked(sch, 2, 3);
                sch.makeReady(work, false, sch.cpu(0)); // node 0 has no idle CPU now
                computeUntil(workRan);
              } else if (p == hog1) {
                hog1Running.countDown();
                computeUntil(workRan);
              } else {
                ranOn.set(sch.currentCpu().id);
                workRan.countDown();
              }
            });
    self[0] = s;
    s.makeReady(hog0, false, null);
    s.makeReady(hog1, false, null);
    s.start();
    try {
      assertThat(workRan.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ranOn.get()).isIn(2, 3);
    } finally {
      s.stop();
    }
  }

  @Test
  void aYieldBehindABusyCpuWakesTheParkedCpuOfItsOwnNode() throws Exception {
    Process hog = new Process(1);
    Process yielder = new Process(2);
    hog.cpuMask = 1L << 0;
    yielder.cpuMask = 1L << 0; // starts on CPU 0; may go anywhere once it yields
    AtomicInteger secondOn = new AtomicInteger(-1);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger runs = new AtomicInteger();
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        twoNodes(
            p -> {
              Scheduler sch = self[0];
              if (p == hog) {
                computeUntil(done);
                return;
              }
              if (runs.getAndIncrement() == 0) {
                awaitParked(sch, 1, 2, 3);
                sch.makeReady(hog, false, sch.cpu(0)); // CPU 0 will be busy with it
                p.cpuMask = -1L;
                // A Yield: to the back of CPU 0's queue, behind the hog, which only CPU 0 may
                // run; only CPU 1, parked in the same node, may be woken to take it.
                p.afterYield = Process.AFTER_REQUEUE;
                p.cont.yieldUnlessPinned();
                secondOn.set(sch.currentCpu().id);
                done.countDown();
              }
            });
    self[0] = s;
    s.makeReady(yielder, false, null);
    s.start();
    try {
      assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(secondOn.get()).isEqualTo(1);
      assertThat(s.cpu(2).steals() + s.cpu(3).steals()).isZero();
    } finally {
      s.stop();
    }
  }

  @Test
  void nodesThatOverlapOrLeaveACpuOutAreRefused() {
    KernelConfig four = KernelConfig.defaults().withCpus(4);
    assertThatThrownBy(() -> four.withNodes(0b0011, 0b0110))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> four.withNodes(0b0011, 0b0100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no node");
    assertThatThrownBy(() -> four.withNodes(0b0011, 0b11100))
        .isInstanceOf(IllegalArgumentException.class);
    Scheduler s = new Scheduler(4, 4, 0, 1_000_000, p -> {}, line -> {});
    assertThatThrownBy(() -> s.defineNodes(0b0001, 0b0010, 0b0100))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nodesGivenAsMasksBecomeTheSchedulersNodes() {
    KernelConfig c = KernelConfig.defaults().withCpus(4).withNodes(0b0101, 0b1010);
    Scheduler s = new Scheduler(4, 4, 0, 1_000_000, p -> {}, line -> {});
    s.defineNodes(c.nodeMasks());
    assertThat(s.nodeCount()).isEqualTo(2);
    assertThat(s.cpu(0).node()).isEqualTo(s.cpu(2).node());
    assertThat(s.cpu(1).node()).isEqualTo(s.cpu(3).node()).isNotEqualTo(s.cpu(0).node());
    assertThat(KernelConfig.defaults().withCpus(4).withCpusPerNode(2).nodeMasks())
        .containsExactly(0b0011L, 0b1100L);
  }
}
