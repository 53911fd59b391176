package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Sleep: the caller waits without holding a CPU, and others run meanwhile. */
class SleepTest {

  @Test
  void sleepForWaitsAtLeastThatLongWhileOtherProcessesRun() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> log = new CopyOnWriteArrayList<>();
      ObjectRef sleeper =
          s.process(
              "sleeper",
              sys -> {
                Ipc ipc = new Ipc(sys);
                long t0 = System.nanoTime();
                ipc.w[1] = Codes.OC_SLEEP_SLEEP_FOR;
                ipc.w[2] = 0;
                ipc.w[3] = 30_000; // 30 ms
                ipc.callOrThrow(reg(8), 3, 0, -1);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                log.add("slept " + (ms >= 30 ? "at least 30 ms" : ms + " ms"));
                ipc.w[1] = Codes.OC_SLEEP_SLEEP_FOR;
                ipc.w[2] = 0;
                ipc.w[3] = 1_000_000; // usec must be below a million
                log.add(ipc.call(reg(8), 3, 0, -1) ? "accepted" : "rejected");
              });
      ObjectRef other = s.process("other", sys -> log.add("other ran"));
      s.give(sleeper, 8, s.k.kernelCap(KernelService.SLEEP));
      s.runUntilQuiet(sleeper, other); // quiet only once the sleeper has woken and finished
      assertThat(log).containsExactly("other ran", "slept at least 30 ms", "rejected");
    }
  }

  @Test
  void closingTheKernelEndsItsTimerThreadEvenWithAProcessAsleep() throws Exception {
    Set<Thread> before = timerThreads();
    Set<Thread> mine;
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef sleeper =
          s.process(
              "sleeper",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = Codes.OC_SLEEP_SLEEP_FOR;
                ipc.w[2] = 3600; // an hour
                ipc.w[3] = 0;
                ipc.callOrThrow(reg(8), 3, 0, -1);
              });
      s.give(sleeper, 8, s.k.kernelCap(KernelService.SLEEP));
      s.k.start(sleeper);
      s.boot();
      long deadline = System.nanoTime() + 10_000_000_000L;
      do {
        Thread.sleep(5);
        mine = timerThreads();
        mine.removeAll(before);
      } while (mine.isEmpty() && System.nanoTime() < deadline);
      assertThat(mine).as("the kernel started one timer thread for its sleeper").hasSize(1);
    }
    for (Thread t : mine) {
      t.join(5_000);
      assertThat(t.isAlive()).as("timer thread %s after close", t).isFalse();
    }
  }

  private static Set<Thread> timerThreads() {
    Set<Thread> ts = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("jackal-timer")) {
        ts.add(t);
      }
    }
    return ts;
  }
}
