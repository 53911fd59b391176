package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;

/**
 * Answers one request with its number plus one, keeps the reply capability it was given in APP0+1
 * (a spent one, after the reply), writes the answer at address 0 of its data page, and returns.
 */
public final class OneShotServer implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    long n = ipc.w[2] + 1;
    ipc.copyCap(CapLoc.reg(CapReg.RETURN), CapLoc.reg(CapReg.APP0 + 1));
    sys.storeLong(0, n);
    ipc.w[1] = n;
    ipc.send(CapLoc.reg(CapReg.RETURN), 1, -1, true);
  }
}
