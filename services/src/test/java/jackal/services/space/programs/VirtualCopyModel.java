package jackal.services.space.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.services.space.DataRegion;

/**
 * Coyotos's testVirtualCopyModel: {@link LargeModel}'s program run in a virtual copy space over its
 * own image, where every address is backed when touched.
 */
public final class VirtualCopyModel implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    Report.send(new Ipc(sys), LargeModel.touch(sys, DataRegion.overVirtualCopy()));
  }
}
