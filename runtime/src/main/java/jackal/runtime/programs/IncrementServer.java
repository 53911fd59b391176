package jackal.runtime.programs;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * The default image's server, a program loaded from pages: answers each increment request with the
 * number plus one, and logs every request through KernLog (in APP0+1).
 */
public final class IncrementServer implements ProgramEntry {
  /** Opcode of the one request the server understands: add one to a number. */
  public static final int OP_INCREMENT = 0x1;

  static final long KERNLOG = CapLoc.reg(CapReg.APP0 + 1);

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    KernLogClient log = new KernLogClient(new Ipc(sys)).stringArea(0, 256);
    log.log(KERNLOG, "server: ready".getBytes(UTF_8));
    ipc.receive();
    for (; ; ) {
      if (ipc.opcode() != OP_INCREMENT) {
        ipc.replyExceptionAndReceive(Codes.RC_UNKNOWN_REQUEST);
        continue;
      }
      long n = ipc.w[2];
      log.log(
          KERNLOG,
          ("server: request "
                  + n
                  + " on endpoint "
                  + ipc.endpointId()
                  + " with payload "
                  + ipc.payload())
              .getBytes(UTF_8));
      ipc.w[1] = n + 1;
      ipc.replyAndReceive(1, -1);
    }
  }
}
