package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.confined.Allocators;
import jackal.runtime.confined.HonestClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The cap on one allocation (docs/SECURITY.md, "Memory"): a loaded program that asks for more than
 * {@code PollClass.MAX_ALLOCATION_BYTES} at once, by an array or through a JDK member given a size,
 * takes an AllocationLimit fault, delivered to its handler, before the JVM tries to allocate; an
 * honest pair on the same CPUs counts to the end; a program that makes garbage fast runs on.
 */
class AllocationLimitTest {

  private static void assertFaultedWhileHonestPairCounts(Class<?> hostile) throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = LoadedProgramTest.recordingHandler(s, saw, false);
      ObjectRef[] pair = LoadedProgramTest.honestPair(s, progs);
      ObjectRef p = progs.process("allocator", hostile, Allocators.class);
      s.k.setHandler(p, s.k.entry(s.endpoint(handler, 9), 0));
      s.runUntilQuiet(handler, pair[0], pair[1], p);
      ProcessInfo info = s.info(p);
      assertThat(info.faultCode()).as("%s", s.console()).isEqualTo(FaultCode.ALLOCATION_LIMIT);
      assertThat(info.died()).isTrue();
      assertThat(saw).containsExactly("fc=" + FaultCode.ALLOCATION_LIMIT + " info=0");
      assertThat(s.console()).contains("honest: counted " + HonestClient.CALLS);
      assertThat(s.console()).contains("AllocationLimitError");
    }
  }

  @Test
  void anOverCapArrayIsAnAllocationLimitFault() throws Exception {
    assertFaultedWhileHonestPairCounts(Allocators.HugeArray.class);
  }

  @Test
  void catchingTheOverCapUnwindingDoesNotKeepTheProgramRunning() throws Exception {
    assertFaultedWhileHonestPairCounts(Allocators.CatchesAndGoesOn.class);
  }

  @Test
  void aMultiDimensionalArrayOfTooManyEmptyRowsIsAnAllocationLimitFault() throws Exception {
    assertFaultedWhileHonestPairCounts(Allocators.WideMatrix.class);
  }

  @Test
  void anOverCapCapacityGivenToAJdkCollectionIsAnAllocationLimitFault() throws Exception {
    assertFaultedWhileHonestPairCounts(Allocators.HugeList.class);
  }

  @Test
  void anOverCapStringRepeatIsAnAllocationLimitFault() throws Exception {
    assertFaultedWhileHonestPairCounts(Allocators.HugeRepeat.class);
  }

  @Test
  void anOverCapArraysCopyOfIsAnAllocationLimitFault() throws Exception {
    assertFaultedWhileHonestPairCounts(Allocators.HugeCopy.class);
  }

  @Test
  void aProgramThatAllocatesGarbageFastIsNotFaulted() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef p = progs.process("garbage", Allocators.Garbage.class, Allocators.class);
      s.runUntilQuiet(p);
      assertThat(s.info(p).exited()).as("%s", s.console()).isTrue();
      assertThat(s.info(p).faultCode()).isZero();
      assertThat(s.console())
          .contains("garbage done " + (Allocators.Garbage.ROUNDS * 64L + 130560) + " {abab=12} 3");
    }
  }
}
