package jackal.runtime.programs;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;
import jackal.runtime.idl.coyotos.SysCtlClient;

/**
 * The default image's client, a program loaded from pages: calls the server in APP0 {@link #CALLS}
 * times, each time with the last answer, logs the replies through KernLog (in APP0+1), and halts
 * the system through SysCtl (in APP0+2).
 */
public final class IncrementClient implements ProgramEntry {
  public static final int CALLS = 3;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    KernLogClient log = new KernLogClient(new Ipc(sys)).stringArea(0, 256);
    long server = CapLoc.reg(CapReg.APP0);
    long n = 0;
    for (int i = 0; i < CALLS; i++) {
      ipc.w[1] = IncrementServer.OP_INCREMENT;
      ipc.w[2] = n;
      ipc.callOrThrow(server, 2, 0, -1);
      n = ipc.w[1];
      log.log(IncrementServer.KERNLOG, ("client: reply " + n).getBytes(UTF_8));
    }
    log.log(
        IncrementServer.KERNLOG,
        ("client: done after " + CALLS + " calls; halting").getBytes(UTF_8));
    new SysCtlClient(ipc).halt(CapLoc.reg(CapReg.APP0 + 2));
    log.log(IncrementServer.KERNLOG, "client: still running after the halt".getBytes(UTF_8));
  }
}
