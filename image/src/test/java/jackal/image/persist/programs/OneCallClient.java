package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/** Calls the server in APP0 once with 41, writes the answer at address 0, and returns. */
public final class OneCallClient implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    ipc.w[1] = 1;
    ipc.w[2] = 41;
    ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 2, -1, -1);
    sys.storeLong(0, ipc.w[1]);
  }
}
