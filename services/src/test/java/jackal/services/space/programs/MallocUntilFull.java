package jackal.services.space.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.services.idl.coyotos.ElfSpaceClient;
import jackal.services.space.DataRegion;

/**
 * Coyotos's testMalloc: mallocs 4 KiB chunks (writing into each) until malloc answers 0, reports
 * how many it got, then stores that count at address 0, which no space server backs.
 */
public final class MallocUntilFull implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    DataRegion heap =
        DataRegion.overProgramSpace(new ElfSpaceClient(new Ipc(sys)), CapLoc.reg(Report.SPACE));
    long chunks = 0;
    for (long at = heap.malloc(4096); at != 0; at = heap.malloc(4096)) {
      sys.storeLong(at, chunks);
      chunks++;
    }
    Report.send(ipc, chunks);
    sys.storeLong(0, chunks);
  }
}
