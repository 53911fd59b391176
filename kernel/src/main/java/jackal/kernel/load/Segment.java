package jackal.kernel.load;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One jar of a program image, unpacked: its class files by internal name ({@code a/b/C}), and the
 * SHA-256 of its bytes, which names it in the machine-wide cache. Unpacking is bounded by {@link
 * ImageLimits}: entries, bytes per class, bytes inflated in all.
 */
public final class Segment {
  private final String sha256;
  private final Map<String, byte[]> classes;
  private final int length;

  /**
   * Whether this segment's classes verify on their own (see ProgramLoader); null until first asked.
   * A benign race: two verifications at once compute the same answer.
   */
  volatile Boolean verifiesAlone;

  private Segment(String sha256, Map<String, byte[]> classes, int length) {
    this.sha256 = sha256;
    this.classes = classes;
    this.length = length;
  }

  public String sha256() {
    return sha256;
  }

  /** Class files by internal name; unmodifiable. The arrays are not to be written. */
  public Map<String, byte[]> classes() {
    return classes;
  }

  /** Length of the jar as stored. */
  public int length() {
    return length;
  }

  /** The hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /**
   * Unpacks a jar. Entries that are not class files (the manifest, directories, resources) are
   * skipped: a program has no way to read them. {@code module-info} and {@code package-info} are
   * skipped too. Throws a BAD_IMAGE {@link LoadFailure} for anything malformed or over a limit.
   */
  public static Segment parse(byte[] jar) {
    return parse(jar, sha256(jar));
  }

  static Segment parse(byte[] jar, String sha256) {
    if (jar.length > ImageLimits.MAX_SEGMENT_BYTES) {
      throw LoadFailure.badImage("segment of " + jar.length + " bytes");
    }
    Map<String, byte[]> classes = new HashMap<>();
    long inflated = 0;
    int entries = 0;
    byte[] buf = new byte[8192];
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(jar))) {
      ZipEntry e;
      while ((e = in.getNextEntry()) != null) {
        if (++entries > ImageLimits.MAX_ENTRIES) {
          throw LoadFailure.badImage("jar has more than " + ImageLimits.MAX_ENTRIES + " entries");
        }
        String name = e.getName();
        boolean isClass =
            !e.isDirectory()
                && name.endsWith(".class")
                && !name.endsWith("module-info.class")
                && !name.endsWith("package-info.class");
        ByteArrayOutputStream out = isClass ? new ByteArrayOutputStream() : null;
        int size = 0;
        for (int n; (n = in.read(buf)) > 0; ) {
          inflated += n;
          size += n;
          if (inflated > ImageLimits.MAX_INFLATED_BYTES) {
            throw LoadFailure.badImage(
                "jar inflates to more than " + ImageLimits.MAX_INFLATED_BYTES + " bytes");
          }
          if (isClass) {
            if (size > ImageLimits.MAX_CLASS_BYTES) {
              throw LoadFailure.badImage(
                  name + " inflates to more than " + ImageLimits.MAX_CLASS_BYTES + " bytes");
            }
            out.write(buf, 0, n);
          }
        }
        if (!isClass) {
          continue;
        }
        String internal = name.substring(0, name.length() - ".class".length());
        if (classes.size() >= ImageLimits.MAX_CLASSES) {
          throw LoadFailure.badImage("jar has more than " + ImageLimits.MAX_CLASSES + " classes");
        }
        if (classes.put(internal, out.toByteArray()) != null) {
          throw LoadFailure.badImage("jar holds " + name + " twice");
        }
      }
    } catch (LoadFailure f) {
      throw f;
    } catch (IOException | RuntimeException ex) {
      throw LoadFailure.badImage("segment is not a readable jar (" + ex.getMessage() + ")");
    }
    if (classes.isEmpty()) {
      throw LoadFailure.badImage("segment holds no class files");
    }
    return new Segment(sha256, Collections.unmodifiableMap(classes), jar.length);
  }
}
