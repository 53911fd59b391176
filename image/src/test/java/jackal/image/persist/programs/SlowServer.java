package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;

/**
 * Answers one request with its number plus one, but only once the word at 24 of its data page is
 * not zero (written from outside): until then it spins, with the request's number only in a local.
 * Words: 8 requests received, 16 replies sent, 32 how long it spun.
 */
public final class SlowServer implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    long n = ipc.w[2] + 1;
    sys.storeLong(8, sys.loadLong(8) + 1);
    long spins = 0;
    while (sys.loadLong(24) == 0) {
      spins++;
    }
    sys.storeLong(32, spins);
    ipc.w[1] = n;
    sys.storeLong(16, sys.loadLong(16) + 1);
    ipc.send(CapLoc.reg(CapReg.RETURN), 1, -1, true);
  }
}
