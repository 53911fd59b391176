package jackal.image.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The files of a store, by name relative to its directory ({@code jackal.store}, {@code
 * log/segment-000001.jkl}): every byte the store writes goes through here, so that a test can put
 * torn writes, failed forces and a full disk in the way ({@link DiskFiles} is the real one).
 */
public interface StoreFiles {
  /** Where the files are, for messages. */
  String where();

  boolean exists(String name) throws IOException;

  /** Opens {@code name}, creating it (and its directory) if absent. */
  StoreFile open(String name) throws IOException;

  void delete(String name) throws IOException;

  /** Makes the creation and deletion of files durable (forces the directories). */
  void syncDirectories() throws IOException;

  /** One open file. */
  interface StoreFile extends Closeable {
    long size() throws IOException;

    /** Writes all of {@code b} at {@code at}, or throws. */
    void write(ByteBuffer b, long at) throws IOException;

    /** Reads up to {@code b.remaining()} bytes at {@code at}; how many it read (-1 at the end). */
    int read(ByteBuffer b, long at) throws IOException;

    /** Makes every write before it durable. */
    void force() throws IOException;

    void truncate(long size) throws IOException;
  }
}
