package jackal.image.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A store's files in a directory, through {@link FileChannel}. */
public final class DiskFiles implements StoreFiles {
  private final Path dir;

  public DiskFiles(Path dir) {
    this.dir = dir;
  }

  @Override
  public String where() {
    return dir.toString();
  }

  @Override
  public boolean exists(String name) {
    return Files.exists(dir.resolve(name));
  }

  @Override
  public StoreFile open(String name) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    FileChannel ch =
        FileChannel.open(
            p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new StoreFile() {
      @Override
      public long size() throws IOException {
        return ch.size();
      }

      @Override
      public void write(ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
          pos += ch.write(b, pos);
        }
      }

      @Override
      public int read(ByteBuffer b, long at) throws IOException {
        return ch.read(b, at);
      }

      @Override
      public void force() throws IOException {
        ch.force(true);
      }

      @Override
      public void truncate(long size) throws IOException {
        ch.truncate(size);
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  @Override
  public void delete(String name) throws IOException {
    Files.deleteIfExists(dir.resolve(name));
  }

  @Override
  public void syncDirectories() throws IOException {
    force(dir);
    Path log = dir.resolve(Store.LOG_DIR);
    if (Files.isDirectory(log)) {
      force(log);
    }
  }

  private static void force(Path d) {
    // A directory is forced through a read-only channel where the platform allows it (Linux);
    // elsewhere this is not possible from Java and is skipped.
    try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // not supported on this platform
    }
  }
}
