package jackal.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link PairsRig#pinShifted}, which {@link RepinProbe} uses between its measurements. */
class PairsRigRepinTest {

  @Test
  void batchesFinishAfterEveryChangeOfPlacementInPlace() {
    try (PairsRig rig = PairsRig.bornTogether(2, 4, 50)) {
      rig.run(200);
      for (int shift : new int[] {1, 0, -1, 1, -1, 0}) {
        rig.pinShifted(shift);
        rig.run(200);
        rig.run(200);
      }
    }
  }

  @Test
  void pinnedPairsAreNotStolenAfterRepinning() {
    try (PairsRig rig = new PairsRig(2, 4, 50, false, false, -1)) {
      rig.run(200);
      rig.pinShifted(1);
      rig.run(200);
      long before = steals(rig.statistics());
      for (int i = 0; i < 5; i++) {
        rig.run(500);
      }
      assertThat(steals(rig.statistics())).isEqualTo(before);
    }
  }

  @Test
  void aShiftOtherThanMinusOneZeroOrOneIsRefused() {
    try (PairsRig rig = PairsRig.bornTogether(2, 2, 50)) {
      assertThatThrownBy(() -> rig.pinShifted(2)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> rig.pinShifted(-2)).isInstanceOf(IllegalArgumentException.class);
      rig.run(100);
    }
  }

  @Test
  void aOneCpuRigIsNotRepinned() {
    try (PairsRig rig = new PairsRig(1, 2, 50, false, false, -1)) {
      assertThatThrownBy(() -> rig.pinShifted(0)).isInstanceOf(IllegalStateException.class);
    }
  }

  /** The sum of the CPUs' {@code steals=} counters in the kernel's statistics. */
  private static long steals(String statistics) {
    long sum = 0;
    for (String part : statistics.split("\\s+")) {
      if (part.startsWith("steals=")) {
        sum += Long.parseLong(part.substring("steals=".length()));
      }
    }
    return sum;
  }
}
