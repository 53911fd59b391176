package jackal.image.coyotos;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.CapClient;
import jackal.services.idl.coyotos.PageCodes;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * Not a Coyotos test: what the bank knows of objects an image made. Logs (KernLog in APP0) the page
 * usage of the bank in APP0+1, whether the capability in APP0+2 is a Page, then destroys the bank
 * and says whether it still is.
 */
public final class BankProbe implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Log log = new Log(sys, CapReg.APP0);
    Ipc ipc = new Ipc(sys);
    SpaceBankClient bank = new SpaceBankClient(ipc);
    CapClient cap = new CapClient(ipc);
    long b = CapLoc.reg(CapReg.APP0 + 1);
    long page = CapLoc.reg(CapReg.APP0 + 2);
    log.line("pages used " + bank.getUsage(b).byType()[Codes.OT_PAGE]);
    log.line("page before: " + (cap.getType(page) == PageCodes.IKT ? "a Page" : "not a Page"));
    bank.destroy(b);
    log.line("page after: " + (cap.getType(page) == PageCodes.IKT ? "a Page" : "not a Page"));
  }
}
