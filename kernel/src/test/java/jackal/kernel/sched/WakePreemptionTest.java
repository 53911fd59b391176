package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.obj.Process;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Wake-up preemption: a process woken from another CPU for a caller that waits for it (a call or a
 * reply, which ask for slice donation) runs at its CPU's next switch, not after the slice of the
 * donation chain running there; and the chain it interrupted resumes in the slice it had, so wakes
 * from another CPU cannot keep that slice from ending for the processes queued behind it.
 */
class WakePreemptionTest {
  private static final long CPU_0 = 1L;
  private static final long CPU_1 = 1L << 1;

  /** Two processes on CPU 1 that wake each other with slice donation, as a call and reply do. */
  private static final class PingPong {
    final Process a = new Process(10);
    final Process b = new Process(11);
    final AtomicLong switches = new AtomicLong();
    volatile boolean stop;

    PingPong() {
      a.cpuMask = CPU_1;
      a.homeCpu = 1;
      b.cpuMask = CPU_1;
      b.homeCpu = 1;
    }

    boolean runs(Process p) {
      return p == a || p == b;
    }

    /** The body of a or b: donate to the other, wait, again, until stopped. */
    void run(Scheduler s, Process p) {
      Process other = p == a ? b : a;
      while (!stop) {
        switches.incrementAndGet();
        s.makeReady(other, true, s.cpu(1));
        block(p);
      }
    }
  }

  /** Waits off the CPU, on no queue, until someone makes {@code p} ready. */
  private static void block(Process p) {
    p.afterYield = Process.AFTER_BLOCK;
    p.cont.yieldUnlessPinned();
  }

  private static void awaitAtLeast(AtomicLong n, long min) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (n.get() < min && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  @Test
  void aProcessWokenForACallerOnAnotherCpuRunsAtTheNextSwitchNotAfterTheSlice() throws Exception {
    PingPong chain = new PingPong();
    Process woken = new Process(2);
    woken.cpuMask = CPU_1;
    woken.homeCpu = 1;
    Process caller = new Process(3);
    caller.cpuMask = CPU_0;
    caller.homeCpu = 0;
    AtomicLong switchesAtWake = new AtomicLong(-1);
    AtomicLong switchesWhenRun = new AtomicLong(-1);
    CountDownLatch ran = new CountDownLatch(1);
    Scheduler[] self = new Scheduler[1];
    // A slice of a minute: without wake-up preemption the woken process waits for it.
    Scheduler s =
        new Scheduler(
            2,
            2,
            0,
            TimeUnit.SECONDS.toNanos(60),
            p -> {
              Scheduler sch = self[0];
              if (chain.runs(p)) {
                chain.run(sch, p);
              } else if (p == woken) {
                switchesWhenRun.set(chain.switches.get());
                ran.countDown();
              } else {
                awaitAtLeast(chain.switches, 1_000);
                sch.makeReady(woken, true, sch.cpu(0)); // a call: the caller waits for it
                switchesAtWake.set(chain.switches.get());
              }
            },
            line -> {});
    self[0] = s;
    s.makeReady(chain.a, false, null);
    s.makeReady(caller, false, null);
    s.start();
    try {
      assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
      while (switchesAtWake.get() < 0) {
        Thread.onSpinWait();
      }
      // The chain switched at most once more after the wake before the woken process ran (the
      // switch that saw the mark); a read of the count after the wake can only make this smaller.
      assertThat(switchesWhenRun.get() - switchesAtWake.get()).isLessThanOrEqualTo(2);
      assertThat(s.cpu(1).wakePreemptions()).isPositive();
    } finally {
      chain.stop = true;
      s.stop();
    }
  }

  @Test
  void wakesFromAnotherCpuCannotKeepADonationChainsSliceFromEnding() throws Exception {
    // An attacker on CPU 0 wakes a process of CPU 1 again and again while a donation chain runs
    // there and another process waits behind it. Every wake preempts the chain; if the chain took
    // a fresh slice each time it resumed, the waiting process would never run.
    PingPong chain = new PingPong();
    Process victim = new Process(4);
    victim.cpuMask = CPU_1;
    victim.homeCpu = 1;
    Process target = new Process(5);
    target.cpuMask = CPU_1;
    target.homeCpu = 1;
    Process attacker = new Process(6);
    attacker.cpuMask = CPU_0;
    attacker.homeCpu = 0;
    CountDownLatch victimRan = new CountDownLatch(1);
    AtomicLong targetRuns = new AtomicLong();
    AtomicBoolean attackOver = new AtomicBoolean();
    AtomicBoolean ranDuringAttack = new AtomicBoolean();
    Scheduler[] self = new Scheduler[1];
    Scheduler s =
        new Scheduler(
            2,
            2,
            0,
            // Longer than any host stall of the attacker: only a slice the wakes restart would
            // keep the victim waiting until the attack stops.
            TimeUnit.SECONDS.toNanos(2),
            p -> {
              Scheduler sch = self[0];
              if (chain.runs(p)) {
                chain.run(sch, p);
              } else if (p == victim) {
                ranDuringAttack.set(!attackOver.get());
                victimRan.countDown();
              } else if (p == target) {
                while (!chain.stop) {
                  targetRuns.incrementAndGet();
                  block(p);
                }
              } else {
                awaitAtLeast(chain.switches, 100);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (targetRuns.get() < 10 && System.nanoTime() < deadline) {
                  sch.makeReady(target, true, sch.cpu(0));
                }
                // The attack runs; now the victim joins CPU 1's queue, at the back.
                sch.makeReady(victim, false, sch.cpu(0));
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (victimRan.getCount() > 0 && System.nanoTime() < deadline) {
                  sch.makeReady(target, true, sch.cpu(0));
                }
                attackOver.set(true);
              }
            },
            line -> {});
    self[0] = s;
    s.makeReady(chain.a, false, null);
    s.makeReady(attacker, false, null);
    s.start();
    try {
      assertThat(victimRan.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(ranDuringAttack).isTrue();
      assertThat(targetRuns.get()).isPositive();
      assertThat(s.cpu(1).wakePreemptions()).isPositive();
    } finally {
      chain.stop = true;
      s.stop();
    }
  }
}
