package jackal.kernel.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.boot.KernelConfig.CrossCpuCalls;
import org.junit.jupiter.api.Test;

class KernelConfigTest {
  @Test
  void crossCpuCallsAreShippedWithTheCallerStayingByDefault() {
    assertThat(KernelConfig.defaults().crossCpuCalls()).isEqualTo(CrossCpuCalls.SHIP_AND_STAY);
  }

  @Test
  void withCrossCpuCallsChangesThatSettingAlone() {
    KernelConfig before = KernelConfig.defaults().withCpus(2).withSliceMicros(700);
    KernelConfig after = before.withCrossCpuCalls(CrossCpuCalls.AT_CALLER);
    assertThat(after.crossCpuCalls()).isEqualTo(CrossCpuCalls.AT_CALLER);
    assertThat(after.withCrossCpuCalls(CrossCpuCalls.SHIP_AND_STAY)).isEqualTo(before);
  }

  @Test
  void aMissingCrossCpuCallsSettingIsRefusedByName() {
    assertThatThrownBy(() -> KernelConfig.defaults().withCrossCpuCalls(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("crossCpuCalls");
  }
}
