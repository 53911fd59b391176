package jackal.image.coyotos;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;

/** Coyotos's testHandler child: stores to address 0, where nothing is mapped. */
public final class StoreToZero implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    sys.storeInt(0, 0);
  }
}
