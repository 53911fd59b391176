package jackal.kernel.persist;

/**
 * What the Checkpoint capability drives: the checkpointer of a kernel that persists to a store.
 * Absent (null on the machine) when the kernel has no store.
 */
public interface CheckpointControl {
  /**
   * Declares a snapshot: the checkpointer takes a cut as soon as it can and writes it. False if one
   * cannot be declared now (the snapshot declared before is not yet committed).
   */
  boolean declare();

  /** True once the most recently declared snapshot is committed to the store (or none was). */
  boolean safe();
}
