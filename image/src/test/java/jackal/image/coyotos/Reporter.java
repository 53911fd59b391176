package jackal.image.coyotos;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * Receives the one word the services' space test programs report (their {@code Report.send}) on its
 * INITEPT and logs it through the KernLog in APP0 as {@code report N} (decimal) and {@code report
 * 0xN}.
 */
public final class Reporter implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    new Log(sys, CapReg.APP0)
        .line("report " + ipc.w[1] + " (0x" + Long.toHexString(ipc.w[1]) + ")");
  }
}
