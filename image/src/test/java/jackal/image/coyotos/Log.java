package jackal.image.coyotos;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * A program's KernLog, as the Coyotos test programs report: lines on the console. Its strings go
 * through the last 256 bytes of the program's first data page.
 */
public final class Log {
  private final KernLogClient log;
  private final long cap;

  public Log(SystemCalls sys, int reg) {
    this.log = new KernLogClient(new Ipc(sys)).stringArea(4096 - 256, 256);
    this.cap = CapLoc.reg(reg);
  }

  public void line(String s) throws KernelException {
    log.log(cap, s.getBytes(UTF_8));
  }
}
