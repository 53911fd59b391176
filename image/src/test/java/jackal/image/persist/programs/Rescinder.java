package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.RangeClient;

/**
 * Rescinds the object whose capability is in APP0+1 through the Range capability in APP0, as a
 * space bank does when it frees an object or is destroyed, writes 1 at address 0, and returns.
 */
public final class Rescinder implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    new RangeClient(new Ipc(sys)).rescind(CapLoc.reg(CapReg.APP0), CapLoc.reg(CapReg.APP0 + 1));
    sys.storeLong(0, 1);
  }
}
