package jackal.kernel.boot;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The file handling the on-disk caches share (the verified-program cache, the kept built image): an
 * entry appears whole or not at all, and a directory keeps only its newest entries.
 */
public final class CacheDirectory {
  private CacheDirectory() {}

  /**
   * Writes {@code bytes} to {@code file} in {@code dir} through a temporary file moved over it, so
   * a reader (another JVM included) sees the old entry or the new one, never a part.
   */
  public static void replace(Path dir, Path file, byte[] bytes) throws IOException {
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".entry-", ".tmp");
    try {
      Files.write(tmp, bytes);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Deletes the oldest files of {@code dir} whose names end with {@code suffix} until at most
   * {@code max} are left (age by modification time, read once per file).
   */
  public static void prune(Path dir, String suffix, int max) throws IOException {
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
    }
    if (entries.size() <= max) {
      return;
    }
    Map<Path, Long> times = new HashMap<>();
    for (Path f : entries) {
      try {
        times.put(f, Files.getLastModifiedTime(f).toMillis());
      } catch (IOException e) {
        times.put(f, 0L);
      }
    }
    List<Path> byAge = new ArrayList<>(entries);
    byAge.sort(Comparator.comparingLong(times::get));
    for (Path f : byAge.subList(0, byAge.size() - max)) {
      Files.deleteIfExists(f);
    }
  }
}
