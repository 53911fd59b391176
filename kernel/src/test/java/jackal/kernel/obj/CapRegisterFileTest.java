package jackal.kernel.obj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.CapType;
import jackal.kernel.cap.Capability;
import org.junit.jupiter.api.Test;

/**
 * A process's capability registers start as one all-Null file shared by every process and get a
 * file of their own at the first store of a capability: a process reads, writes and clears its
 * registers exactly as it would an array of its own, and nothing stored in one process's registers
 * shows in another's.
 */
class CapRegisterFileTest {
  private static final Capability ENDPOINT =
      Capability.object(CapType.ENDPOINT, 0, 0, new Endpoint(7));

  @Test
  void aFreshProcessReadsNullInEveryRegisterWithoutAFileOfItsOwn() {
    Process p = new Process(1);
    for (int r = 0; r < Process.CAP_REGS; r++) {
      assertThat(p.capReg(r)).as("register %d", r).isSameAs(Capability.NULL);
    }
    assertThat(p.ownsCapRegs()).isFalse();
  }

  @Test
  void storingNullInAFreshProcessChangesNothingAndMakesNoFile() {
    Process p = new Process(1);
    for (int r = 0; r < Process.CAP_REGS; r++) {
      p.setCapReg(r, Capability.NULL);
    }
    assertThat(p.ownsCapRegs()).isFalse();
    assertThat(p.capReg(31)).isSameAs(Capability.NULL);
  }

  @Test
  void theFirstCapabilityStoredGivesTheProcessItsOwnFileHoldingOnlyThatCapability() {
    Process p = new Process(1);
    p.setCapReg(5, ENDPOINT);
    assertThat(p.ownsCapRegs()).isTrue();
    for (int r = 0; r < Process.CAP_REGS; r++) {
      assertThat(p.capReg(r)).as("register %d", r).isSameAs(r == 5 ? ENDPOINT : Capability.NULL);
    }
    p.setCapReg(5, Capability.NULL); // a Null store into its own file is a store
    assertThat(p.capReg(5)).isSameAs(Capability.NULL);
    assertThat(p.ownsCapRegs()).isTrue();
  }

  @Test
  void aRegisterOutOfRangeIsRefusedWhetherTheFileIsSharedOrOwn() {
    Process fresh = new Process(1);
    Process owning = new Process(2);
    owning.setCapReg(1, ENDPOINT);
    for (Process p : new Process[] {fresh, owning}) {
      assertThatThrownBy(() -> p.setCapReg(Process.CAP_REGS, Capability.NULL))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> p.setCapReg(-1, ENDPOINT))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> p.capReg(Process.CAP_REGS))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
    assertThat(fresh.ownsCapRegs()).as("a refused store makes no file").isFalse();
  }

  @Test
  void aCapabilityStoredInOneProcessIsInNoOtherFreshProcessBeforeOrAfter() {
    Process before = new Process(1);
    Process writer = new Process(2);
    for (int r = 1; r < Process.CAP_REGS; r++) {
      writer.setCapReg(r, ENDPOINT);
    }
    Process after = new Process(3);
    for (Process other : new Process[] {before, after}) {
      for (int r = 0; r < Process.CAP_REGS; r++) {
        assertThat(other.capReg(r)).as("register %d", r).isSameAs(Capability.NULL);
      }
      assertThat(other.ownsCapRegs()).isFalse();
    }
  }

  @Test
  void aReissuedReplyCapabilityIsTheProcessesOwnAndNeverTheSharedNull() {
    Endpoint ep = new Endpoint(9);
    Process p = new Process(1);
    // The shared file's Null is not a recyclable reply: reissuing it is refused, so the call path
    // stores a fresh reply capability, which gives the process its file.
    assertThat(p.capReg(28).reissue(ep, 3)).isFalse();
    p.setCapReg(28, Capability.reply(ep, 3));
    assertThat(p.ownsCapRegs()).isTrue();
    assertThat(p.capReg(28).reissue(ep, 4)).isTrue();
    assertThat(p.capReg(28).word1()).isEqualTo(4);
    assertThat(new Process(2).capReg(28)).isSameAs(Capability.NULL);
  }

  @Test
  void clearingAProcessGivesBackItsFileAndItReadsNullAgain() {
    Process p = new Process(1);
    p.setCapReg(3, ENDPOINT);
    p.clearContent();
    assertThat(p.ownsCapRegs()).isFalse();
    assertThat(p.capReg(3)).isSameAs(Capability.NULL);
    p.setCapReg(3, ENDPOINT);
    assertThat(p.capReg(3)).isSameAs(ENDPOINT);
  }
}
