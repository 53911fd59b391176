package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.confined.Hoarders;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A closed kernel is garbage: nothing in the JVM (a cache of loaded images, a kernel thread still
 * running) keeps its objects, and so the memory its programs held, reachable once {@code close} has
 * returned. Runs in the runtime pom's small-heap JVM (384 MiB), where four kernels' worth of kept
 * memory would not fit.
 */
class ClosedKernelSmallHeapTest {

  @BeforeEach
  void smallHeapOnly() {
    assumeTrue(
        Runtime.getRuntime().maxMemory() <= 512L << 20,
        "runs only in the small-heap surefire execution");
  }

  /**
   * Boots a kernel whose one program, loaded from pages as users' programs are, takes {@link
   * Hoarders.HoardsThenWaits#MIB} MiB and keeps it while it waits in a receive (the heap guard is
   * off, so it keeps it to the end), then closes the kernel with the program still waiting.
   */
  private static void kernelClosedWhileAProgramHoldsMemory() throws Exception {
    try (TestSystem s =
        new TestSystem(KernelConfig.defaults().withCpus(2).withHeapGuardPercent(100))) {
      ObjectRef hoarder =
          new Programs(s).process("hoarder", Hoarders.HoardsThenWaits.class, Hoarders.class);
      s.runUntilQuiet(hoarder);
      assertThat(s.console()).contains("holding " + Hoarders.HoardsThenWaits.MIB + " MiB");
      assertThat(s.info(hoarder).faultCode()).isZero();
    }
  }

  /** The heap in use after a full collection, retried for a while: a collection may leave some. */
  private static long heapUsedSettled(long under) throws InterruptedException {
    long used = Long.MAX_VALUE;
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (used >= under && System.nanoTime() < giveUp) {
      System.gc();
      used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (used >= under) {
        Thread.sleep(50);
      }
    }
    return used;
  }

  @Test
  void theMemoryAProgramHeldIsFreeOnceItsKernelIsClosedKernelAfterKernel() throws Exception {
    long half = (long) Hoarders.HoardsThenWaits.MIB << 19;
    long before = heapUsedSettled(half);
    for (int kernel = 0; kernel < 4; kernel++) {
      kernelClosedWhileAProgramHoldsMemory();
      long used = heapUsedSettled(before + half);
      assertThat(used)
          .as("heap in use after closing kernel %d (%d MiB before the first)", kernel, before >> 20)
          .isLessThan(before + half);
    }
  }
}
