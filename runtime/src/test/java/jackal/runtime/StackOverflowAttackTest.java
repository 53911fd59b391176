package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.confined.Failing;
import jackal.runtime.confined.HonestClient;
import jackal.runtime.confined.NearStackLimit;
import jackal.runtime.confined.WaitsInClassInit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A program that calls the kernel with its stack nearly used up gets its StackOverflowError before
 * the kernel takes a lock: never a kernel error, never a lock left held, while an honest pair keeps
 * counting.
 */
class StackOverflowAttackTest {
  @Test
  void callingTheKernelAtEveryDepthNearTheLimitIsAStackOverflowFaultWhileAnHonestPairCounts()
      throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = LoadedProgramTest.recordingHandler(s, saw, false);
      ObjectRef[] pair = LoadedProgramTest.honestPair(s, progs);
      ObjectRef hostile = progs.process("near-limit", NearStackLimit.class);
      s.give(hostile, CapReg.APP0, s.k.entry(s.endpoint(pair[0], 1), 0));
      s.k.setHandler(hostile, s.k.entry(s.endpoint(handler, 9), 0));
      s.runUntilQuiet(handler, pair[0], hostile, pair[1]);

      assertThat(s.info(hostile).faultCode())
          .as("%s", s.console())
          .isEqualTo(FaultCode.STACK_OVERFLOW);
      assertThat(saw).containsExactly("fc=" + FaultCode.STACK_OVERFLOW + " info=0");
      Matcher m =
          Pattern.compile("near-limit: served=(\\d+) overflowed=(\\d+)").matcher(s.console());
      assertThat(m.find()).as("%s", s.console()).isTrue();
      // Both outcomes happened: some calls fit, and some depths were too deep for the kernel.
      assertThat(Integer.parseInt(m.group(1))).as("%s", s.console()).isPositive();
      assertThat(Integer.parseInt(m.group(2))).isPositive();
      assertThat(s.console()).contains("honest: counted " + HonestClient.CALLS);
      assertThat(s.console()).doesNotContain("kernel error");
      assertThat(s.k.kernelErrors()).isZero();
      for (ObjectRef p : new ObjectRef[] {handler, pair[0], pair[1], hostile}) {
        assertThat(s.info(p)).isNotNull(); // inspecting takes each process's lock
      }
    }
  }

  @Test
  void aWaitFromAPinnedContinuationIsRefusedWithoutLeakingALockWhileAnHonestPairCounts()
      throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = LoadedProgramTest.recordingHandler(s, saw, false);
      ObjectRef[] pair = LoadedProgramTest.honestPair(s, progs);
      ObjectRef hostile = progs.process("class-init", WaitsInClassInit.class);
      s.give(hostile, CapReg.APP0, s.k.entry(s.endpoint(pair[0], 1), 0));
      s.k.setHandler(hostile, s.k.entry(s.endpoint(handler, 9), 0));
      s.runUntilQuiet(handler, pair[0], hostile, pair[1]);

      assertThat(s.info(hostile).faultCode())
          .as("%s", s.console())
          .isEqualTo(FaultCode.PROGRAM_EXCEPTION);
      assertThat(saw).containsExactly("fc=" + FaultCode.PROGRAM_EXCEPTION + " info=0");
      assertThat(s.console())
          .contains("could not wait")
          .doesNotContain("class-init: 42")
          .contains("honest: counted " + HonestClient.CALLS)
          .doesNotContain("kernel error");
      assertThat(s.k.kernelErrors()).isZero();
      for (ObjectRef p : new ObjectRef[] {handler, pair[0], pair[1], hostile}) {
        assertThat(s.info(p)).isNotNull();
      }
    }
  }

  /**
   * On a kernel that makes programs capturable, a program whose static initializer calls a server
   * and waits loads (no process can wait in a static initializer, so none can be stuck there beyond
   * a capture's reach), and its wait is refused at run time exactly as on a kernel that does not
   * persist: the pinned continuation cannot yield, no lock leaks, an honest pair counts on.
   */
  @Test
  void onACapturingKernelAWaitFromAStaticInitializerIsRefusedAtRunTimeWhileAnHonestPairCounts()
      throws Exception {
    try (TestSystem s = new TestSystem(KernelConfig.defaults().withCpus(2).withCapture(true))) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = LoadedProgramTest.recordingHandler(s, saw, false);
      ObjectRef[] pair = LoadedProgramTest.honestPair(s, progs);
      ObjectRef hostile = progs.process("class-init", WaitsInClassInit.class);
      s.give(hostile, CapReg.APP0, s.k.entry(s.endpoint(pair[0], 1), 0));
      s.k.setHandler(hostile, s.k.entry(s.endpoint(handler, 9), 0));
      s.runUntilQuiet(handler, pair[0], hostile, pair[1]);

      assertThat(s.info(hostile).faultCode())
          .as("%s", s.console())
          .isEqualTo(FaultCode.PROGRAM_EXCEPTION);
      assertThat(saw).containsExactly("fc=" + FaultCode.PROGRAM_EXCEPTION + " info=0");
      assertThat(s.console())
          .contains("could not wait")
          .doesNotContain("class-init: 42")
          .contains("honest: counted " + HonestClient.CALLS)
          .doesNotContain("kernel error");
      assertThat(s.k.kernelErrors()).isZero();
    }
  }

  @Test
  void aDeepRecursionInPureProgramCodeIsAStackOverflowFaultDeliveredToItsHandler()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      List<String> saw = new CopyOnWriteArrayList<>();
      ObjectRef handler = LoadedProgramTest.recordingHandler(s, saw, false);
      ObjectRef p = progs.process("recurser", Failing.Recurser.class, Failing.class);
      s.k.setHandler(p, s.k.entry(s.endpoint(handler, 9), 0));
      s.runUntilQuiet(handler, p);
      assertThat(s.info(p).faultCode()).isEqualTo(FaultCode.STACK_OVERFLOW);
      assertThat(saw)
          .as("%s", s.console())
          .containsExactly("fc=" + FaultCode.STACK_OVERFLOW + " info=0");
      assertThat(s.k.kernelErrors()).isZero();
    }
  }
}
