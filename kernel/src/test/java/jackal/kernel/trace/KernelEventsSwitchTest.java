package jackal.kernel.trace;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

/** The gate in front of every kernel event hook follows the recordings that run. */
class KernelEventsSwitchTest {
  @Test
  void theHooksAreOnOnlyWhileARecordingThatWantsKernelEventsRuns() {
    assertThat(KernelEvents.COMPILED).isTrue();
    assertThat(KernelEvents.on()).as("no recording").isFalse();
    try (Recording rec = new Recording()) {
      rec.enable(KernelEvents.SYSTEM_CALL);
      rec.start();
      assertThat(KernelEvents.on()).as("recording").isTrue();
    }
    assertThat(KernelEvents.on()).as("recording closed").isFalse();
  }

  @Test
  void aRecordingThatTurnsEveryKernelEventOffLeavesTheHooksOff() {
    try (Recording rec = new Recording()) {
      for (String e :
          new String[] {
            KernelEvents.SYSTEM_CALL,
            KernelEvents.DISPATCH,
            KernelEvents.STEAL,
            KernelEvents.FAULT_DELIVERY,
            KernelEvents.LOG
          }) {
        rec.disable(e);
      }
      rec.start();
      assertThat(KernelEvents.on()).isFalse();
    }
  }

  @Test
  void theKernelsOwnMethodAndExceptionCodesHaveNames() {
    assertThat(MethodNames.method(jackal.kernel.idl.coyotos.KernLogCodes.OC_log))
        .isEqualTo("coyotos.KernLog.log");
    assertThat(MethodNames.exception(jackal.kernel.idl.coyotos.KernLogCodes.RC_RequestError))
        .isEqualTo("coyotos.Cap.RequestError");
    assertThat(MethodNames.method(0x1)).isNull();
  }
}
