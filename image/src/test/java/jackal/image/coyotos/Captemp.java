package jackal.image.coyotos;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.CapClient;
import jackal.services.idl.coyotos.GPTCodes;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * Coyotos's testCaptemp: allocates a GPT from its bank (SPACEBANK) into a temporary register and
 * checks what arrived; logs through the KernLog in APP0.
 */
public final class Captemp implements ProgramEntry {
  private static final int TEMP = CapReg.APP0 + 5;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Log log = new Log(sys, CapReg.APP0);
    Ipc ipc = new Ipc(sys);
    long none = CapLoc.reg(CapReg.NULL);
    new SpaceBankClient(ipc)
        .alloc(
            CapLoc.reg(CapReg.SPACEBANK),
            Codes.OT_GPT,
            (int) Codes.OT_INVALID,
            (int) Codes.OT_INVALID,
            CapLoc.reg(TEMP),
            none,
            none);
    boolean gpt = new CapClient(ipc).getType(CapLoc.reg(TEMP)) == GPTCodes.IKT;
    log.line(gpt ? "Allocation succeeded." : "Allocation FAILED: not a GPT");
  }
}
