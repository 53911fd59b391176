package jackal.services.space.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.services.idl.coyotos.ElfSpaceClient;
import jackal.services.space.DataRegion;

/**
 * Coyotos's testLargeModel over a program space: mallocs 4 KiB chunks up to 4 MiB, writing a word
 * in each, reads every word back, asks for the break, and reports the break.
 */
public final class LargeModel implements ProgramEntry {
  public static final long BYTES = 4L << 20;

  @Override
  public void run(SystemCalls sys) {
    DataRegion heap =
        DataRegion.overProgramSpace(new ElfSpaceClient(new Ipc(sys)), CapLoc.reg(Report.SPACE));
    Report.send(new Ipc(sys), touch(sys, heap));
  }

  /** Mallocs and touches {@link #BYTES} in 4 KiB chunks, checks them, returns the break. */
  static long touch(SystemCalls sys, DataRegion heap) {
    long first = heap.sbrk(0);
    long bytes = 0;
    while (bytes < BYTES) {
      long at = heap.malloc(4096);
      if (at == 0) {
        throw new IllegalStateException("malloc failed after " + bytes + " bytes");
      }
      sys.storeLong(at, at);
      bytes += 4096;
    }
    for (long at = first; at < first + BYTES; at += 4096) {
      if (sys.loadLong(at) != at) {
        throw new IllegalStateException("lost the word at " + Long.toHexString(at));
      }
    }
    return heap.sbrk(0);
  }
}
