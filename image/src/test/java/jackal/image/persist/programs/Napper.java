package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.SleepClient;

/**
 * Takes {@link #NAPS} naps of half a millisecond through the Sleep capability in APP0, writing the
 * number of naps taken at address 0 after each, then returns: a program that is never idle for good
 * until it ends, yet spends most of its time off the CPU.
 */
public final class Napper implements ProgramEntry {
  public static final int NAPS = 400;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    SleepClient sleep = new SleepClient(new Ipc(sys));
    for (long n = 1; n <= NAPS; n++) {
      sleep.sleepFor(CapLoc.reg(CapReg.APP0), 0, 500);
      sys.storeLong(0, n);
    }
  }
}
