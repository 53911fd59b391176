package jackal.services.stream;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.KernelException;

/**
 * The Zero stream's program: reads give as many zero bytes as asked, writes are dropped. See {@link
 * BlankStream}.
 */
public final class ZeroStreamProgram implements ProgramEntry {
  /** The loader makes one for the stream's process. */
  public ZeroStreamProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    BlankStreamProgram.serve(sys, true);
  }
}
