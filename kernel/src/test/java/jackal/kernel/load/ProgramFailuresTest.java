package jackal.kernel.load;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.FaultCode;
import jackal.kernel.sched.AllocationLimitError;
import org.junit.jupiter.api.Test;

/** Which fault a program's failure becomes, for the allocation failures. */
class ProgramFailuresTest {

  @Test
  void anOutOfMemoryErrorEndingAProgramIsTheAllocationLimitFault() {
    assertThat(ProgramFailures.faultCode(new OutOfMemoryError("Java heap space")))
        .isEqualTo(FaultCode.ALLOCATION_LIMIT);
  }

  @Test
  void theOverCapUnwindingIsTheAllocationLimitFault() {
    assertThat(ProgramFailures.faultCode(new AllocationLimitError()))
        .isEqualTo(FaultCode.ALLOCATION_LIMIT);
  }
}
