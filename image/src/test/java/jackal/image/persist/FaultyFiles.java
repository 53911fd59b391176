package jackal.image.persist;

import jackal.image.store.DiskFiles;
import jackal.image.store.StoreFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The store's files on disk with faults put in the way: the {@code failAt}-th write (counting from
 * 1 after {@link #arm}) is torn after {@code tornBytes} bytes and fails, or the {@code failAt}-th
 * force fails, or the disk fills up after {@code diskBytes} more bytes. Every write not yet forced
 * can be undone ({@link #crash}), as a power loss may lose it.
 */
final class FaultyFiles implements StoreFiles {
  enum Fault {
    TORN_WRITE,
    FAILED_FORCE,
    DISK_FULL
  }

  private final DiskFiles disk;
  private Fault fault;
  private int failAt;
  private long bytes;
  private int writes;
  private int forces;
  private long written;
  boolean fired;

  /** The length asked of each write since {@link #arm}, in order. */
  final java.util.List<Integer> lengths = new java.util.ArrayList<>();

  /** Undo records of writes not yet forced: file name, offset, old bytes, old size. */
  private record Undo(String name, long at, byte[] old, long oldSize) {}

  private final Map<String, Deque<Undo>> unforced = new HashMap<>();
  private final Map<String, StoreFile> open = new HashMap<>();

  FaultyFiles(Path dir) {
    this.disk = new DiskFiles(dir);
  }

  /** From now on, fail as {@code fault} says; {@code n} is the write or force index, from 1. */
  void arm(Fault fault, int n, long bytes) {
    this.fault = fault;
    this.failAt = n;
    this.bytes = bytes;
    this.writes = 0;
    this.forces = 0;
    this.written = 0;
    this.fired = false;
    this.lengths.clear();
  }

  /** No more faults (writes and forces are still counted). */
  void disarm() {
    this.fault = null;
  }

  /** Writes and forces since {@link #arm}. */
  int writes() {
    return writes;
  }

  int forces() {
    return forces;
  }

  /** A power loss: every write not forced is undone (newest first). */
  void crash() throws IOException {
    for (Map.Entry<String, Deque<Undo>> e : unforced.entrySet()) {
      StoreFile f = open.get(e.getKey());
      for (Undo u : e.getValue()) {
        f.write(ByteBuffer.wrap(u.old()), u.at());
        f.truncate(u.oldSize());
      }
      e.getValue().clear();
      f.force();
    }
  }

  @Override
  public String where() {
    return disk.where();
  }

  @Override
  public boolean exists(String name) throws IOException {
    return disk.exists(name);
  }

  @Override
  public StoreFile open(String name) throws IOException {
    StoreFile real = disk.open(name);
    open.put(name, real);
    Deque<Undo> undo = unforced.computeIfAbsent(name, n -> new ArrayDeque<>());
    return new StoreFile() {
      @Override
      public long size() throws IOException {
        return real.size();
      }

      @Override
      public void write(ByteBuffer b, long at) throws IOException {
        writes++;
        int len = b.remaining();
        lengths.add(len);
        int allowed = len;
        String why = null;
        if (fault == Fault.TORN_WRITE && writes == failAt) {
          allowed = (int) Math.min(len, bytes);
          why = "injected torn write after " + allowed + " of " + len + " bytes";
        } else if (fault == Fault.DISK_FULL && written + len > bytes) {
          allowed = (int) Math.max(0, bytes - written);
          why = "No space left on device (injected)";
        }
        long size = real.size();
        byte[] old = new byte[(int) Math.max(0, Math.min(allowed, size - at))];
        real.read(ByteBuffer.wrap(old), at);
        undo.push(new Undo(name, at, old, size));
        ByteBuffer part = b.duplicate();
        part.limit(part.position() + allowed);
        real.write(part, at);
        written += allowed;
        if (why != null) {
          fired = true;
          throw new IOException(why);
        }
        b.position(b.limit());
      }

      @Override
      public int read(ByteBuffer b, long at) throws IOException {
        return real.read(b, at);
      }

      @Override
      public void force() throws IOException {
        forces++;
        if (fault == Fault.FAILED_FORCE && forces == failAt) {
          fired = true;
          throw new IOException("injected fsync failure");
        }
        real.force();
        undo.clear();
      }

      @Override
      public void truncate(long size) throws IOException {
        real.truncate(size);
      }

      @Override
      public void close() throws IOException {
        real.close();
      }
    };
  }

  @Override
  public void delete(String name) throws IOException {
    disk.delete(name);
  }

  @Override
  public void syncDirectories() throws IOException {
    disk.syncDirectories();
  }
}
