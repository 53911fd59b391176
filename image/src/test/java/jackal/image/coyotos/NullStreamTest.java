package jackal.image.coyotos;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.KernelException;

/** Coyotos's NullStream program (see {@link BlankStreamCheck}). */
public final class NullStreamTest implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    BlankStreamCheck.check(sys, false);
  }
}
