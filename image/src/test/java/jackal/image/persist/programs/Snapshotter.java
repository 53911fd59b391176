package jackal.image.persist.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.CheckpointCkptIncompleteException;
import jackal.runtime.idl.coyotos.CheckpointClient;

/**
 * Declares a snapshot through the Checkpoint capability in APP0, declares another at once, and asks
 * whether the first is written; writes at address 0 a bit for each answer: 1 the first was
 * declared, 2 the second raised CkptIncomplete (the first is not committed yet), 4
 * processCheckpoint said not yet safe (this program still runs, so no cut can hold it).
 */
public final class Snapshotter implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    CheckpointClient ckpt = new CheckpointClient(new Ipc(sys));
    long cap = CapLoc.reg(CapReg.APP0);
    long bits = 0;
    try {
      ckpt.snapshot(cap);
      bits |= 1;
    } catch (CheckpointCkptIncompleteException e) {
      bits |= 0;
    }
    try {
      ckpt.snapshot(cap);
    } catch (CheckpointCkptIncompleteException e) {
      bits |= 2;
    }
    if (!ckpt.processCheckpoint(cap)) {
      bits |= 4;
    }
    sys.storeLong(0, bits);
  }
}
