package jackal.image.coyotos;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.VerifierClient;

/**
 * Coyotos's testUnknownRequest: sends Verifier.verifyYield to the bank in SPACEBANK, which does not
 * serve it, and expects UnknownRequest; logs through the KernLog in APP0.
 */
public final class UnknownRequest implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Log log = new Log(sys, CapReg.APP0);
    try {
      new VerifierClient(new Ipc(sys))
          .verifyYield(CapLoc.reg(CapReg.SPACEBANK), CapLoc.reg(CapReg.SELF));
      log.line("Bad request succeeded: FAIL");
    } catch (KernelException e) {
      log.line(
          e.code() == Codes.RC_UNKNOWN_REQUEST
              ? "Bad request failed as expected."
              : "Bad request failed with 0x" + Long.toHexString(e.code()) + ": FAIL");
    }
  }
}
