package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.confined.Hoarder;
import jackal.runtime.confined.HonestClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A loaded program that keeps the heap full, in a JVM of 192 MiB (the runtime pom's small-heap
 * surefire execution). What docs/SECURITY.md ("Memory") describes as the behaviour today, not a
 * guarantee: the OutOfMemoryError lands in the hoarder's own code (it allocates the most), which is
 * its AllocationLimit fault; its stack is dropped, and the kernel and an honest pair go on.
 */
class AllocationSmallHeapTest {

  @Test
  void aProgramKeepingTheHeapFullIsFaultedAndAnHonestPairCountsToTheEnd() throws Exception {
    assumeTrue(
        Runtime.getRuntime().maxMemory() <= 512L << 20,
        "runs only in the small-heap surefire execution");
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = LoadedProgramTest.recordingHandler(s, saw, false);
      ObjectRef hoarder = progs.process("hoarder", Hoarder.class);
      s.k.setHandler(hoarder, s.k.entry(s.endpoint(handler, 9), 0));
      ObjectRef[] pair = LoadedProgramTest.honestPair(s, progs);
      s.runUntilQuiet(handler, hoarder, pair[0], pair[1]);
      assertThat(s.info(hoarder).faultCode())
          .as("%s", s.console())
          .isEqualTo(FaultCode.ALLOCATION_LIMIT);
      assertThat(saw).containsExactly("fc=" + FaultCode.ALLOCATION_LIMIT + " info=0");
      assertThat(s.console())
          .contains("hoarder#")
          .contains("died: java.lang.OutOfMemoryError")
          .contains("honest: counted " + HonestClient.CALLS)
          .doesNotContain("kernel error");
      // The hoarder's memory is garbage again: the kernel can allocate as much once more.
      System.gc();
      byte[][] again = new byte[64][];
      for (int i = 0; i < again.length; i++) {
        again[i] = new byte[1 << 20];
      }
      assertThat(again[63]).hasSize(1 << 20);
    }
  }
}
