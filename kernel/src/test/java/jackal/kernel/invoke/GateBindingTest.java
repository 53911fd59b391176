package jackal.kernel.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.obj.Process;
import jackal.kernel.sched.ProgramContinuation;
import org.junit.jupiter.api.Test;

/**
 * A process's gate is bound to the continuation that runs it, whatever its process's {@code cont}
 * field says by then: a destroy on another CPU may clear the field between the dispatch that made
 * the continuation and the gate's construction at the program's start, and a gate bound to the
 * cleared field took the destroyed process for a live one.
 */
class GateBindingTest {

  @Test
  void aGateMadeAfterItsProcessWasDestroyedKnowsItsContinuationWasDiscarded() {
    Process p = new Process(1);
    Gate[] gate = new Gate[1];
    ProgramContinuation c =
        new ProgramContinuation(
            () -> {
              p.cont = null; // what a destroy does, here just before the program's start
              gate[0] = new Gate(null, p);
            });
    p.cont = c;
    c.run();
    assertThat(gate[0].discarded()).isTrue();
  }

  @Test
  void aGateMadeByALiveProcessIsNotDiscarded() {
    Process p = new Process(2);
    Gate[] gate = new Gate[1];
    ProgramContinuation c = new ProgramContinuation(() -> gate[0] = new Gate(null, p));
    p.cont = c;
    c.run();
    assertThat(gate[0].discarded()).isFalse();
  }

  @Test
  void outsideAnyContinuationTheGateTakesTheProcesssField() {
    Process p = new Process(3);
    ProgramContinuation c = new ProgramContinuation(() -> {});
    p.cont = c;
    assertThat(ProgramContinuation.current()).isNull();
    assertThat(new Gate(null, p).discarded()).isFalse();
  }
}
