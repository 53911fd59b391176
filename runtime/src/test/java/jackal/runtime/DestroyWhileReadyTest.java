package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.RangeClient;
import jackal.runtime.idl.coyotos.RangeIdentifyResult;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A process destroyed while it waits in a ready queue leaves the queue's entry behind. The stall of
 * {@code constructor.create} under load (a batch of creates that never finished) was that entry:
 * the object, allocated again as a constructor's next yield, ran from it at PC 0 with no space
 * before the constructor had set it up, faulted with no keeper, and never answered its creator.
 */
class DestroyWhileReadyTest {
  @RepeatedTest(3)
  void aProcessDestroyedWhileReadyAndMadeAgainDoesNotRunUntilItIsStarted() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef victim =
          s.process(
              "victim",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (; ; ) {
                  ipc.receive();
                }
              });
      ObjectRef killer =
          s.process(
              "killer",
              sys -> {
                Ipc ipc = new Ipc(sys);
                RangeClient range = new RangeClient(new Ipc(sys));
                RangeIdentifyResult id = range.identify(reg(TestSystem.RANGE), reg(9));
                ipc.send(reg(8), 0, -1, false); // the victim is ready, queued behind the killer
                range.rescind(reg(TestSystem.RANGE), reg(9)); // destroyed while ready
                // The same object again, fresh (no space, no PC), as a bank would hand it out.
                range.getProcess(reg(TestSystem.RANGE), id.offset(), reg(CapReg.NULL), reg(10));
              });
      s.give(killer, 8, s.k.entry(s.endpoint(victim, 1), 0));
      s.give(killer, 9, s.k.cap(victim));
      s.runUntilQuiet(victim, killer);
      assertThat(s.info(killer).exited()).as("%s", s.console()).isTrue();
      assertThat(s.console())
          .as("the fresh process ran from the destroyed one's queue entry")
          .doesNotContain("faults with no keeper");
    }
  }
}
