package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * Calls the server in APP0 in a loop, each time with the next number, until the word at 24 of its
 * data page is not zero (written from outside), then writes 1 at 0. Words: 8 calls answered, 16
 * answers that were not the number sent plus one.
 */
public final class LoopingClient implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    long calls = 0;
    long wrong = 0;
    while (sys.loadLong(24) == 0) {
      long sent = calls * 7 + 3;
      ipc.w[1] = 1;
      ipc.w[2] = sent;
      ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 2, -1, -1);
      if (ipc.w[1] != sent + 1) {
        wrong++;
        sys.storeLong(16, wrong);
      }
      calls++;
      sys.storeLong(8, calls);
    }
    sys.storeLong(0, 1);
  }
}
