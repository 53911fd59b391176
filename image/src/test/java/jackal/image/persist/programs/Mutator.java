package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;

/**
 * Changes its own objects at random through system calls, then returns: stores of longs and bytes
 * anywhere in its four data pages (the seed and the count of changes are the first two longs) and
 * capability copies between its registers APP0 to APP0+7. The changes depend on the seed alone.
 */
public final class Mutator implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    long state = sys.loadLong(0);
    long n = sys.loadLong(8);
    Ipc ipc = new Ipc(sys);
    for (long i = 0; i < n; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      int what = (int) ((state >>> 33) % 4);
      long addr = (16 + (state >>> 20) % (4 * 4096 - 24)) & ~7L;
      switch (what) {
        case 0 -> sys.storeLong(addr, state);
        case 1 -> sys.storeByte(addr + 3, (byte) state);
        default ->
            ipc.copyCap(
                CapLoc.reg(CapReg.APP0 + (int) ((state >>> 40) & 7)),
                CapLoc.reg(CapReg.APP0 + (int) ((state >>> 50) & 7)));
      }
    }
  }
}
