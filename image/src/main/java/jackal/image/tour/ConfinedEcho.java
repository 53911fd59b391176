package jackal.image.tour;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.constructor.Yield;

/**
 * The echo server as a constructor's yield: it answers its creator with an Entry capability to
 * itself, then serves as {@link Echo} does.
 */
public final class ConfinedEcho implements ProgramEntry {
  /** The loader makes one. */
  public ConfinedEcho() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    Yield.answerCreator(ipc, 0, CapReg.APP0);
    Echo.serve(ipc);
  }
}
