package jackal.services.stream;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.KernelException;

/** The pipe's program: one process per pipe. See {@link PipeServer}. */
public final class PipeProgram implements ProgramEntry {
  /** The loader makes one for the pipe's process. */
  public PipeProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    new PipeServer(sys).run();
  }
}
