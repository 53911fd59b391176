package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * A hostile loaded program whose static initializer calls the server in APP0 and waits for the
 * answer. The JVM runs a class initializer through its own native code, so the program's
 * continuation is pinned there and cannot yield: the wait must be refused, not committed.
 */
public final class WaitsInClassInit implements ProgramEntry {
  /** Handed to the initializer (a program's statics are its own process's). */
  static SystemCalls sys;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    WaitsInClassInit.sys = sys;
    long answer;
    try {
      answer = Calls.ANSWER;
    } catch (RuntimeException | Error e) {
      new KernLogClient(new Ipc(sys))
          .stringArea(0, 256)
          .log(
              CapLoc.reg(20),
              ("class-init: refused " + e.getClass().getSimpleName()).getBytes(UTF_8));
      throw e;
    }
    new KernLogClient(new Ipc(sys))
        .stringArea(0, 256)
        .log(CapLoc.reg(20), ("class-init: " + answer).getBytes(UTF_8));
  }

  static final class Calls {
    static final long ANSWER = callServer();

    private static long callServer() {
      Ipc ipc = new Ipc(sys);
      ipc.w[1] = 1;
      ipc.w[2] = 41;
      try {
        ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 2, 0, -1);
      } catch (KernelException e) {
        return -1;
      }
      return ipc.w[1];
    }
  }
}
