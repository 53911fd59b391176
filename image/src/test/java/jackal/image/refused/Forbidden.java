package jackal.image.refused;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;

/** A program the kernel's verifier refuses: it reaches for a thread of its own. */
public final class Forbidden implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    new Thread(() -> {}).start();
  }
}
