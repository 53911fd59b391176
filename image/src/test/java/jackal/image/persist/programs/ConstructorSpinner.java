package jackal.image.persist.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;

/**
 * Counts at address 0 for ever inside a constructor: its preemption checks come with a constructor
 * frame on the stack, which a capture cannot save, so its state can never be taken.
 */
public final class ConstructorSpinner implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    new Busy(sys);
  }

  private static final class Busy {
    Busy(SystemCalls sys) {
      for (long i = 1; ; i++) {
        sys.storeLong(0, i);
      }
    }
  }
}
