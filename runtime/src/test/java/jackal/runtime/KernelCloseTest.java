package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.confined.Hoarders;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing a kernel: {@code close} returns once every thread the kernel started has ended, so that
 * none of them still holds the kernel's objects (ClosedKernelSmallHeapTest shows the memory).
 */
class KernelCloseTest {

  private static Set<Thread> kernelThreads() {
    Set<Thread> ts = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("jackal-")) {
        ts.add(t);
      }
    }
    return ts;
  }

  @Test
  void closeReturnsOnlyOnceEveryThreadTheKernelStartedHasEnded() throws Exception {
    Set<Thread> before = kernelThreads();
    Set<Thread> started;
    try (TestSystem s = new TestSystem(KernelConfig.defaults().withCpus(2))) {
      // A sleeper starts the timer's thread; a loaded program waiting in a receive keeps the
      // slice timer and the heap guard with something to look at.
      ObjectRef sleeper =
          s.process(
              "sleeper",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = Codes.OC_SLEEP_SLEEP_FOR;
                ipc.w[2] = 3600;
                ipc.w[3] = 0;
                ipc.callOrThrow(reg(8), 3, 0, -1);
              });
      s.give(sleeper, 8, s.k.kernelCap(KernelService.SLEEP));
      ObjectRef waiter =
          new Programs(s).process("waiter", Hoarders.HoardsThenWaits.class, Hoarders.class);
      s.k.start(sleeper);
      s.k.start(waiter);
      s.boot();
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      do {
        Thread.sleep(5);
        started = kernelThreads();
        started.removeAll(before);
      } while (started.stream().noneMatch(t -> t.getName().equals("jackal-timer"))
          && System.nanoTime() < giveUp);
      assertThat(started)
          .extracting(Thread::getName)
          .contains("jackal-cpu-0", "jackal-cpu-1", "jackal-slice-timer", "jackal-timer");
    }
    assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName))
        .as("threads of the closed kernel still running")
        .isEmpty();
  }
}
