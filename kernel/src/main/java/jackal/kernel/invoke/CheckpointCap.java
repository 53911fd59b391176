package jackal.kernel.invoke;

import jackal.kernel.api.Codes;
import jackal.kernel.persist.CheckpointControl;

/**
 * Checkpoint: declaring a snapshot and asking whether it is written. Coyotos leaves the protocol
 * unspecified (the 2007 kernel panicked on any invocation); Jackal's: {@code snapshot} declares a
 * snapshot, which the kernel's checkpointer takes at its next consistent cut and writes to the
 * store while the system runs, and returns at once; it raises CkptIncomplete when the kernel has no
 * store, or when the snapshot declared before is not yet committed. {@code processCheckpoint}
 * answers true once the most recently declared snapshot is committed (safe), false while it is
 * still being taken or written, and false on a kernel with no store (nothing is ever safe there).
 */
final class CheckpointCap extends KernelCap {
  CheckpointCap() {
    super(Codes.IKT_CHECKPOINT);
  }

  @Override
  boolean dispatch(Invocation inv) {
    int op = inv.opcode;
    CheckpointControl control = inv.machine.checkpoints;
    if (op == Codes.OC_CHECKPOINT_SNAPSHOT) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        if (control == null || !control.declare()) {
          inv.error(Codes.RC_CHECKPOINT_CKPT_INCOMPLETE);
        }
      }
    } else if (op == Codes.OC_CHECKPOINT_PROCESS_CHECKPOINT) {
      if (inv.requireArgs(0)) {
        inv.txn.commit();
        inv.result(control != null && control.safe() ? 1 : 0);
      }
    } else {
      return false;
    }
    return true;
  }
}
