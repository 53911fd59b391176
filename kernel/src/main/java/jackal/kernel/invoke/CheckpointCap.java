package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * Checkpoint: declaring a snapshot and driving its write-back. Until the object store persists
 * anything, no snapshot can ever be completed: snapshot raises CkptIncomplete (the only exception
 * the interface gives it) and processCheckpoint answers false, "no more work to do". The 2007
 * kernel panicked on any invocation of this capability.
 */
final class CheckpointCap extends KernelCap {
  CheckpointCap() {
    super(Codes.IKT_CHECKPOINT);
  }

  @Override
  boolean dispatch(Invocation inv) {
    int op = inv.opcode;
    if (op == Codes.OC_CHECKPOINT_SNAPSHOT) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.error(Codes.RC_CHECKPOINT_CKPT_INCOMPLETE);
      }
    } else if (op == Codes.OC_CHECKPOINT_PROCESS_CHECKPOINT) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(0);
      }
    } else {
      return false;
    }
    return true;
  }
}
