package jackal.kernel.obj;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.ParameterBlock;
import org.junit.jupiter.api.Test;

/**
 * The four capability locations a receive names (the block's RCVCAP words) are kept in the process
 * as fields, not an array of its own: what a receive saves is what delivery reads back, in order,
 * one process's never another's, and clearing the process forgets them.
 */
class ReceiveCapLocationsTest {
  private static long[] block(long first) {
    long[] words = new long[ParameterBlock.RCVCAP + 8];
    for (int i = 0; i < words.length; i++) {
      words[i] = -1; // words around the four must not be taken
    }
    for (int i = 0; i < 4; i++) {
      words[ParameterBlock.RCVCAP + i] = first + i;
    }
    return words;
  }

  private static long[] copied(Process p) {
    long[] out = new long[4];
    p.copyRcvCaps(out);
    return out;
  }

  @Test
  void theFourLocationsSavedAtAReceiveAreReadBackInOrder() {
    Process p = new Process(1);
    p.takeRcvCaps(block(0x4001), ParameterBlock.RCVCAP);
    assertThat(copied(p)).containsExactly(0x4001, 0x4002, 0x4003, 0x4004);
  }

  @Test
  void aFreshProcessHasNoLocationsAndTwoProcessesKeepTheirOwn() {
    Process fresh = new Process(1);
    assertThat(copied(fresh)).containsOnly(0L);
    Process a = new Process(2);
    Process b = new Process(3);
    a.takeRcvCaps(block(10), ParameterBlock.RCVCAP);
    b.takeRcvCaps(block(20), ParameterBlock.RCVCAP);
    assertThat(copied(a)).containsExactly(10, 11, 12, 13);
    assertThat(copied(b)).containsExactly(20, 21, 22, 23);
  }

  @Test
  void aLaterReceiveReplacesAllFourAndClearingForgetsThem() {
    Process p = new Process(1);
    p.takeRcvCaps(block(10), ParameterBlock.RCVCAP);
    p.takeRcvCaps(block(50), ParameterBlock.RCVCAP);
    assertThat(copied(p)).containsExactly(50, 51, 52, 53);
    p.clearContent();
    assertThat(copied(p)).containsOnly(0L);
  }
}
