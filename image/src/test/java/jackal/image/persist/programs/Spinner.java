package jackal.image.persist.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;

/** Counts at address 0 for ever: a program that is always running. */
public final class Spinner implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    for (long i = 1; ; i++) {
      sys.storeLong(0, i);
    }
  }
}
