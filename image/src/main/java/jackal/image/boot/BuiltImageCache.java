package jackal.image.boot;

import jackal.kernel.boot.CacheDirectory;
import jackal.kernel.boot.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The default image (the tour) built once and kept on disk, so that {@code jackal run} boots it
 * from the image file's bytes ({@code jackal image build} makes the same) instead of parsing and
 * evaluating its source and packing its programs' jars again on every run.
 *
 * <p>An entry is named by its <em>key</em>: the SHA-256 of the kernel's build ({@link
 * Kernel#build}), of every file of the code that makes the image (the image language's module,
 * which holds the interpreter, the standard modules and the tour's source and programs; the runtime
 * library's and the services' modules, whose classes are packed into the image's pages), of the
 * source's name and text, and of the settings the objects depend on (the OID layout and count). A
 * change to any of them computes another key, so an entry is never used for another source or
 * build. The key is written inside the entry too and compared, so an entry copied under another
 * name is refused.
 *
 * <p>An entry is checked before any of it is used: magic, version, lengths, the key inside and the
 * SHA-256 of the whole entry at its end; then the image file inside is decoded and checked as any
 * image file is (its CRC-32C, every section, every object against the kernel's invariants when it
 * loads). One that fails is deleted and the image built again from source, as on a miss. The image
 * holds programs' jars only as pages: every program is still verified (or found verified in the
 * program cache, checked the same way) when a process loads it. Whoever can write the directory can
 * have the system boot objects its source does not make: it is the program cache's directory, under
 * the build's output, which already has that power (docs/SECURITY.md, "The verified-program
 * cache").
 *
 * <pre>
 * entry (big-endian):
 *   0 magic "\x89JKLBIM\n"   8 u16 version (1)   10 u16 0   12 u32 printed length P
 *  16 32 bytes: the key      48 P bytes: what building the image printed (replayed at each boot)
 *  48+P the image file's bytes (ImageFile)
 *  end: 32 bytes SHA-256 of every byte before it
 * </pre>
 *
 * Writes go to a temporary file renamed into place; the directory keeps at most {@link
 * #MAX_ENTRIES} entries, the least recently written going first.
 */
final class BuiltImageCache {
  static final int VERSION = 1;
  static final int MAX_ENTRIES = 8;
  private static final byte[] MAGIC = "\u0089JKLBIM\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final int HEAD = 48;
  private static final int HASH = 32;
  private static final String SUFFIX = ".jbi";

  /** An image file of the default image is about a megabyte; no entry is larger than this. */
  private static final long MAX_ENTRY_BYTES = 256L << 20;

  /** What a good entry holds. */
  record Entry(byte[] printed, byte[] image) {}

  private final Path dir;
  private long hits;
  private long misses;
  private long refused;
  private long written;
  private String lastRefusal;

  /** A cache in {@code dir} (made when the first entry is written). */
  BuiltImageCache(Path dir) {
    this.dir = dir;
  }

  long hits() {
    return hits;
  }

  long misses() {
    return misses;
  }

  long refused() {
    return refused;
  }

  long written() {
    return written;
  }

  String lastRefusal() {
    return lastRefusal;
  }

  Path directory() {
    return dir;
  }

  /**
   * The key of the image built from {@code source} (named {@code name}) by this build of the code,
   * with {@code settings} (the kernel settings its objects depend on).
   */
  static String key(String name, String source, String settings) {
    MessageDigest md = sha256();
    md.update(("jackal built image\n" + Kernel.build() + "\n").getBytes(UTF8));
    md.update(codeDigest().getBytes(UTF8));
    md.update(("\n" + settings + "\n" + name + "\n").getBytes(UTF8));
    md.update(source.getBytes(UTF8));
    return HexFormat.of().formatHex(md.digest());
  }

  private Path file(String key) {
    return dir.resolve(key + SUFFIX);
  }

  /** The entry kept under {@code key}, or null: none, or one that failed a check (then deleted). */
  Entry find(String key) {
    Path f = file(key);
    byte[] b;
    try {
      if (Files.size(f) > MAX_ENTRY_BYTES) {
        return refuse(f, "is larger than any entry");
      }
      b = Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      misses++;
      return null;
    } catch (IOException e) {
      misses++;
      return null; // unreadable: built again, and written again if it can be
    }
    String why = check(b, key);
    if (why != null) {
      return refuse(f, why);
    }
    int printed = ByteBuffer.wrap(b).getInt(12);
    hits++;
    return new Entry(
        Arrays.copyOfRange(b, HEAD, HEAD + printed),
        Arrays.copyOfRange(b, HEAD + printed, b.length - HASH));
  }

  /**
   * Deletes the entry of {@code key} because its image file was refused when decoded or loaded
   * ({@code why}); the caller builds the image from source instead.
   */
  void refuse(String key, String why) {
    refuse(file(key), why);
  }

  private Entry refuse(Path f, String why) {
    refused++;
    lastRefusal = f.getFileName() + " " + why;
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      // left in place: refused again next time, and overwritten once built
    }
    return null;
  }

  /** What is wrong with entry {@code b} for {@code key}, or null if nothing. */
  private static String check(byte[] b, String key) {
    if (b.length < HEAD + HASH) {
      return "is too short (" + b.length + " bytes)";
    }
    MessageDigest md = sha256();
    md.update(b, 0, b.length - HASH);
    if (!MessageDigest.isEqual(md.digest(), Arrays.copyOfRange(b, b.length - HASH, b.length))) {
      return "does not match its checksum";
    }
    if (!Arrays.equals(MAGIC, Arrays.copyOf(b, MAGIC.length))) {
      return "is not a built-image entry";
    }
    ByteBuffer bb = ByteBuffer.wrap(b);
    int version = Short.toUnsignedInt(bb.getShort(8));
    if (version != VERSION) {
      return "has format version " + version + ", not " + VERSION;
    }
    long printed = Integer.toUnsignedLong(bb.getInt(12));
    if (printed > b.length - HEAD - HASH) {
      return "has a printed part longer than the entry";
    }
    if (!HexFormat.of().formatHex(b, 16, 16 + HASH).equals(key)) {
      return "was made for another key (another source, build or setting)";
    }
    return null;
  }

  /** Keeps {@code e} under {@code key}; a failure to write costs only the next build. */
  void keep(String key, Entry e) {
    byte[] b = encode(key, e);
    try {
      CacheDirectory.replace(dir, file(key), b);
      written++;
      prune();
    } catch (IOException | UncheckedIOException x) {
      // A cache that cannot be written is a cache that misses.
    }
  }

  static byte[] encode(String key, Entry e) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(HEAD + e.image().length + HASH + 64);
    ByteBuffer head = ByteBuffer.allocate(HEAD);
    head.put(MAGIC).putShort((short) VERSION).putShort((short) 0).putInt(e.printed().length);
    head.put(HexFormat.of().parseHex(key));
    out.writeBytes(head.array());
    out.writeBytes(e.printed());
    out.writeBytes(e.image());
    MessageDigest md = sha256();
    byte[] body = out.toByteArray();
    md.update(body);
    out.writeBytes(md.digest());
    return out.toByteArray();
  }

  /** Deletes the least recently written entries past {@link #MAX_ENTRIES}. */
  private void prune() throws IOException {
    CacheDirectory.prune(dir, SUFFIX, MAX_ENTRIES);
  }

  // ------------------------------------------------------------------ the code that builds it

  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  /**
   * The SHA-256 of every file of the modules whose code makes the default image: this module
   * (interpreter, standard modules, the tour), the runtime library and the services. Once per JVM.
   */
  private static final class Code {
    static final String DIGEST =
        digest(
            List.of(
                BuiltImageCache.class,
                jackal.runtime.boot.RuntimeLibrary.class,
                jackal.services.boot.PrimeBank.class));
  }

  /** The digest of the code that makes the default image (computed once per JVM). */
  static String codeDigest() {
    return Code.DIGEST;
  }

  private static String digest(List<Class<?>> modules) {
    MessageDigest md = sha256();
    for (Class<?> c : modules) {
      md.update((c.getModule().getName() + "\n").getBytes(UTF8));
      CodeSource cs = c.getProtectionDomain().getCodeSource();
      try {
        Path code = cs == null ? null : Path.of(cs.getLocation().toURI());
        if (code != null && Files.isRegularFile(code)) {
          digestFile(md, code);
        } else if (code != null && Files.isDirectory(code)) {
          List<Path> files;
          try (Stream<Path> s = Files.walk(code)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
          }
          for (Path f : files) {
            md.update(code.relativize(f).toString().getBytes(UTF8));
            md.update((byte) 0);
            digestFile(md, f);
          }
        } else {
          unique(md); // no code to hash: an image of its own, shared with no other JVM
        }
      } catch (IOException | URISyntaxException | RuntimeException e) {
        unique(md);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void unique(MessageDigest md) {
    md.update(
        ("unhashed " + System.nanoTime() + " " + ProcessHandle.current().pid()).getBytes(UTF8));
  }

  private static void digestFile(MessageDigest md, Path f) throws IOException {
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(f)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
