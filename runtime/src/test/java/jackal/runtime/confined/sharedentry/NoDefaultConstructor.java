package jackal.runtime.confined.sharedentry;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;

/** A stateless entry class the loader cannot make: its only constructor takes an argument. */
public final class NoDefaultConstructor implements ProgramEntry {
  private final long seed;

  /** Not what the loader calls. */
  public NoDefaultConstructor(long seed) {
    this.seed = seed;
  }

  @Override
  public void run(SystemCalls sys) {
    if (seed == 42) {
      throw new IllegalStateException("never made, so never run");
    }
  }
}
