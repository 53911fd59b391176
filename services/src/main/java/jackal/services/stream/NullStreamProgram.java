package jackal.services.stream;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.KernelException;

/** The Null stream's program: reads give nothing, writes are dropped. See {@link BlankStream}. */
public final class NullStreamProgram implements ProgramEntry {
  /** The loader makes one for the stream's process. */
  public NullStreamProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    BlankStreamProgram.serve(sys, false);
  }
}
