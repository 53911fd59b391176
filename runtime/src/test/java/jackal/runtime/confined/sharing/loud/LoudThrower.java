package jackal.runtime.confined.sharing.loud;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;

/** A program that dies by throwing a {@link LoudFailure}. */
public final class LoudThrower implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    throw new LoudFailure();
  }
}
