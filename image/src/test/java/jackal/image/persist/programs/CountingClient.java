package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * Calls the server in APP0 once with 41 and writes the answer at 0. Words: 8 calls made, 16 answers
 * received.
 */
public final class CountingClient implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    ipc.w[1] = 1;
    ipc.w[2] = 41;
    sys.storeLong(8, sys.loadLong(8) + 1);
    ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 2, -1, -1);
    sys.storeLong(16, sys.loadLong(16) + 1);
    sys.storeLong(0, ipc.w[1]);
  }
}
