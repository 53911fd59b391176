package jackal.image.coyotos;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.BuilderCodes;
import jackal.services.idl.coyotos.CapClient;
import jackal.services.idl.coyotos.ConstructorClient;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * Coyotos's testConstructor: asks the metaconstructor (APP0) to create a constructor on a new
 * sub-bank of its own, and checks that the answer is a Builder; logs through the KernLog in APP0+1.
 */
public final class ConstructorType implements ProgramEntry {
  private static final int BANK = CapReg.APP0 + 2;
  private static final int BUILDER = CapReg.APP0 + 3;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Log log = new Log(sys, CapReg.APP0 + 1);
    Ipc ipc = new Ipc(sys);
    new SpaceBankClient(ipc).createChild(CapLoc.reg(CapReg.SPACEBANK), CapLoc.reg(BANK));
    long none = CapLoc.reg(CapReg.NULL);
    new ConstructorClient(ipc)
        .create(CapLoc.reg(CapReg.APP0), CapLoc.reg(BANK), none, none, CapLoc.reg(BUILDER));
    long type = new CapClient(ipc).getType(CapLoc.reg(BUILDER));
    log.line(
        type == BuilderCodes.IKT
            ? "constructor IKT successful"
            : "constructor IKT FAILED: 0x" + Long.toHexString(type));
  }
}
