package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.ProcessClient;

/**
 * Plays a server that tries to answer a call a second time: takes the reply capability the server
 * (its Process capability in APP0) kept in its register APP0+1, calls through it, and writes at
 * address 0 the exception code it got (0 if the call went through).
 */
public final class ReplyReplayer implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    new ProcessClient(ipc)
        .getCapReg(CapLoc.reg(CapReg.APP0), CapReg.APP0 + 1, CapLoc.reg(CapReg.APP0 + 1));
    ipc.w[1] = 99;
    boolean ok = ipc.call(CapLoc.reg(CapReg.APP0 + 1), 1, -1, -1);
    sys.storeLong(0, ok ? 0 : ipc.exceptionCode());
  }
}
