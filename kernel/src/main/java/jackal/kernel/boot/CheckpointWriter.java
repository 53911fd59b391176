package jackal.kernel.boot;

import java.io.IOException;

/**
 * Where a kernel's checkpoints go: a store. {@link #write} is called on the checkpointer's thread,
 * one snapshot at a time, while the system runs; it returns once the snapshot is committed
 * (durable) and throws if it is not, in which case the store keeps its previous commit.
 */
public interface CheckpointWriter {
  void write(Snapshot snapshot) throws IOException;
}
