package jackal.kernel.load;

import jackal.kernel.boot.CacheDirectory;
import jackal.kernel.load.capture.CapturePlan;
import jackal.kernel.load.capture.ClassShape;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Verified programs kept on disk, so that a JVM started again (a resumed store, a second {@code
 * jackal run}) does not verify and rewrite every program it loads again (docs/PERSISTENCE.md,
 * section 6, "Start-up").
 *
 * <p>An entry is what {@link ProgramLoader#verify} made of one image: the classes as processes
 * define them (rewritten, and made capturable on a kernel that persists), the classes its processes
 * share, and the capture plan and class shapes. It is named by its <em>key</em>: the SHA-256 of the
 * kernel's build (every class file of the kernel, which holds the verifier, the rewriter, the
 * capture transform and the allow-list, and the JDK's version, which the verifier resolves
 * against), the allow-list's own digest, the capture setting and the SHA-256 of each of the image's
 * segments in order. A kernel of another build therefore computes other keys and never reads
 * another's entries; the key is also written inside the entry and compared, so an entry copied
 * under another name is refused.
 *
 * <p>An entry is checked before anything of it is used: magic, format version, its length, the key
 * inside, and the SHA-256 of the whole entry at its end. One that fails any check (a flipped byte,
 * a torn write, another build's entry) is deleted and the image is verified again, as on a miss;
 * its classes are never defined. Whoever can write the cache directory can have the kernel define
 * classes the verifier never saw (the hash is a checksum, not a signature): the directory is the
 * store's own (writing the store is already every authority in the system) or one the launcher
 * names under the build's output (docs/SECURITY.md, "The verified-program cache").
 *
 * <pre>
 * entry (big-endian):
 *   0 magic "\x89JKLVPG\n"   8 u16 format version (2)   10 u16 flags (1: capturable,
 *                                                     2: classes held rewritten)
 *  12 u32 body length        16 32 bytes: the key
 *  48 body: str digest; u32 n, n x (str binary name, u32 length, bytes);
 *           u32 n, n x str shared class;
 *           if capturable: plan (u32 n, n x str class; two maps of u32 n, n x (str method,
 *           u32 m, m x i32 offset)); u32 n, n x shape (str name, u8 has super, [str super],
 *           u32 n, n x str field, u32 n, n x str static, u8 bits: 1 chained, 2 instantiable,
 *           4 enum, 8 guarded)
 *   end: 32 bytes SHA-256 of every byte before it
 * (str: u16 length, UTF-8 bytes)
 * </pre>
 *
 * Writes go to a temporary file renamed into place, so two JVMs writing the same entry at once, or
 * a JVM killed while it writes, leave a whole entry or none. The directory keeps at most {@link
 * #MAX_ENTRIES} entries; past that the least recently written go.
 */
public final class VerifiedCache {
  static final int VERSION = 2;
  static final int MAX_ENTRIES = 256;
  private static final byte[] MAGIC = "\u0089JKLVPG\n".getBytes(StandardCharsets.ISO_8859_1);
  private static final int HEAD = 48;
  private static final int HASH = 32;
  private static final String SUFFIX = ".jvp";

  /** Flag: the program is capturable (its classes transformed for capture). */
  private static final int CAPTURABLE = 1;

  /** Flag: the classes are held rewritten, ready to define (always so when capturable). */
  private static final int REWRITTEN = 2;

  /** The largest entry read: every class of an image at its largest, and then some. */
  private static final long MAX_ENTRY_BYTES = 2L * ImageLimits.MAX_INFLATED_BYTES + (1 << 20);

  private final Path dir;
  private final String build;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private volatile String lastRefusal;

  /** A cache in {@code dir} (made when the first entry is written) for this kernel's build. */
  public VerifiedCache(Path dir) {
    this(dir, kernelBuild());
  }

  /** A cache for a kernel of build {@code build} (tests play another build with it). */
  VerifiedCache(Path dir, String build) {
    this.dir = dir;
    this.build = build;
  }

  public Path directory() {
    return dir;
  }

  /** Entries found good and used. */
  public long hits() {
    return hits.get();
  }

  /** Lookups that found no entry. */
  public long misses() {
    return misses.get();
  }

  /** Entries found and refused (deleted, the image verified again). */
  public long refused() {
    return refused.get();
  }

  /** Entries written. */
  public long written() {
    return written.get();
  }

  /** Why the last refused entry was refused, or null. */
  public String lastRefusal() {
    return lastRefusal;
  }

  /** The key of the image whose segments have {@code digest} (ProgramLoader's form). */
  String key(AllowList allow, boolean capture, String digest) {
    MessageDigest md = sha256();
    md.update(("jackal verified program\n" + build + "\n").getBytes(StandardCharsets.UTF_8));
    md.update(allow.digest());
    md.update(((capture ? "capturable\n" : "plain\n") + digest).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest());
  }

  private Path file(String key) {
    return dir.resolve(key + SUFFIX);
  }

  /**
   * The program kept under {@code key} for the image of {@code digest}, or null: none kept, or the
   * entry failed a check (then it is deleted, and {@link #lastRefusal} says why).
   */
  VerifiedProgram find(String key, String digest, boolean capture) {
    Path f = file(key);
    byte[] bytes;
    try {
      if (Files.size(f) > MAX_ENTRY_BYTES) {
        return refuse(f, "is larger than any entry");
      }
      bytes = Files.readAllBytes(f);
    } catch (NoSuchFileException e) {
      misses.incrementAndGet();
      return null;
    } catch (IOException e) {
      misses.incrementAndGet();
      return null; // unreadable: verified again, and written again if it can be
    }
    String why = check(bytes, key, capture);
    if (why != null) {
      return refuse(f, why);
    }
    VerifiedProgram p;
    try {
      boolean rewritten = (ByteBuffer.wrap(bytes).getShort(10) & REWRITTEN) != 0;
      p = decode(ByteBuffer.wrap(bytes, HEAD, bytes.length - HEAD - HASH), capture, rewritten);
    } catch (RuntimeException e) {
      return refuse(f, "has a body that does not decode (" + e + ")");
    }
    if (!p.digest().equals(digest)) {
      return refuse(f, "holds the image " + p.digest() + ", not the one asked for");
    }
    hits.incrementAndGet();
    return p;
  }

  private VerifiedProgram refuse(Path f, String why) {
    refused.incrementAndGet();
    lastRefusal = f.getFileName() + " " + why;
    try {
      Files.deleteIfExists(f);
    } catch (IOException e) {
      // left in place: it is refused again next time, and overwritten once verified
    }
    return null;
  }

  /** What is wrong with the entry {@code b} for {@code key}, or null if nothing. */
  private static String check(byte[] b, String key, boolean capture) {
    if (b.length < HEAD + HASH) {
      return "is too short (" + b.length + " bytes)";
    }
    MessageDigest md = sha256();
    md.update(b, 0, b.length - HASH);
    if (!MessageDigest.isEqual(md.digest(), Arrays.copyOfRange(b, b.length - HASH, b.length))) {
      return "does not match its checksum";
    }
    ByteBuffer bb = ByteBuffer.wrap(b);
    if (!Arrays.equals(MAGIC, Arrays.copyOf(b, MAGIC.length))) {
      return "is not a verified-program entry";
    }
    int version = Short.toUnsignedInt(bb.getShort(8));
    if (version != VERSION) {
      return "has format version " + version + ", not " + VERSION;
    }
    if (((bb.getShort(10) & CAPTURABLE) != 0) != capture) {
      return "was made " + (capture ? "without" : "with") + " capture";
    }
    if (Integer.toUnsignedLong(bb.getInt(12)) != b.length - HEAD - HASH) {
      return "has the wrong body length";
    }
    String inside = HexFormat.of().formatHex(b, 16, 16 + HASH);
    if (!inside.equals(key)) {
      return "was made for another key (another kernel build, allow-list or image)";
    }
    return null;
  }

  /** Keeps {@code p} under {@code key}; a failure to write costs only the next verification. */
  void keep(String key, VerifiedProgram p) {
    byte[] entry = encode(key, p);
    try {
      CacheDirectory.replace(dir, file(key), entry);
      written.incrementAndGet();
      prune();
    } catch (IOException | UncheckedIOException e) {
      // A cache that cannot be written is a cache that misses.
    }
  }

  /** Deletes the least recently written entries past {@link #MAX_ENTRIES}. */
  private void prune() throws IOException {
    CacheDirectory.prune(dir, SUFFIX, MAX_ENTRIES);
  }

  // ------------------------------------------------------------------ the entry's bytes

  static byte[] encode(String key, VerifiedProgram p) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeShort(VERSION);
      out.writeShort(p.isCapturable() ? CAPTURABLE | REWRITTEN : p.isPrepared() ? REWRITTEN : 0);
      out.writeInt(0); // the body's length, set below
      out.write(HexFormat.of().parseHex(key));
      writeStr(out, p.digest());
      Map<String, byte[]> classes = p.classFiles();
      List<String> names = new ArrayList<>(classes.keySet());
      names.sort(null);
      out.writeInt(names.size());
      for (String n : names) {
        byte[] b = classes.get(n);
        writeStr(out, n);
        out.writeInt(b.length);
        out.write(b);
      }
      writeStrings(out, p.sharedNames());
      if (p.isCapturable()) {
        CapturePlan plan = p.plan();
        writeStrings(out, plan.classes());
        writeOffsets(out, plan.sites());
        writeOffsets(out, plan.passages());
        List<String> shapeNames = new ArrayList<>(p.shapes().keySet());
        shapeNames.sort(null);
        out.writeInt(shapeNames.size());
        for (String n : shapeNames) {
          ClassShape s = p.shapes().get(n);
          writeStr(out, s.name());
          out.writeBoolean(s.superName() != null);
          if (s.superName() != null) {
            writeStr(out, s.superName());
          }
          writeList(out, s.fields());
          writeList(out, s.statics());
          out.writeByte(
              (s.chained() ? 1 : 0)
                  | (s.instantiable() ? 2 : 0)
                  | (s.isEnum() ? 4 : 0)
                  | (s.guarded() ? 8 : 0));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array does not fail
    }
    byte[] b = Arrays.copyOf(bytes.toByteArray(), bytes.size() + HASH);
    int body = b.length - HEAD - HASH;
    ByteBuffer.wrap(b).putInt(12, body);
    MessageDigest md = sha256();
    md.update(b, 0, b.length - HASH);
    System.arraycopy(md.digest(), 0, b, b.length - HASH, HASH);
    return b;
  }

  /** A string as a u16 length and its UTF-8 bytes. */
  private static void writeStr(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (b.length > 0xffff) {
      throw new IOException("a name of " + b.length + " bytes");
    }
    out.writeShort(b.length);
    out.write(b);
  }

  private static void writeStrings(DataOutputStream out, Set<String> s) throws IOException {
    List<String> sorted = new ArrayList<>(s);
    sorted.sort(null);
    writeList(out, sorted);
  }

  private static void writeList(DataOutputStream out, List<String> l) throws IOException {
    out.writeInt(l.size());
    for (String x : l) {
      writeStr(out, x);
    }
  }

  private static void writeOffsets(DataOutputStream out, Map<String, int[]> m) throws IOException {
    List<String> keys = new ArrayList<>(m.keySet());
    keys.sort(null);
    out.writeInt(keys.size());
    for (String k : keys) {
      int[] v = m.get(k);
      writeStr(out, k);
      out.writeInt(v.length);
      for (int x : v) {
        out.writeInt(x);
      }
    }
  }

  private static VerifiedProgram decode(ByteBuffer in, boolean capture, boolean rewritten) {
    String digest = readStr(in);
    int n = count(in, ImageLimits.MAX_CLASSES);
    Map<String, byte[]> classes = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String name = readStr(in);
      byte[] b = new byte[count(in, in.remaining())];
      in.get(b);
      if (classes.put(name, b) != null) {
        throw new IllegalArgumentException("class " + name + " twice");
      }
    }
    Set<String> shared = readSet(in);
    VerifiedProgram p;
    if (capture) {
      Set<String> planClasses = readSet(in);
      Map<String, int[]> sites = readOffsets(in);
      Map<String, int[]> passages = readOffsets(in);
      int shapes = count(in, ImageLimits.MAX_CLASSES);
      Map<String, ClassShape> byName = new HashMap<>();
      for (int i = 0; i < shapes; i++) {
        String name = readStr(in);
        String superName = in.get() != 0 ? readStr(in) : null;
        List<String> fields = readList(in);
        List<String> statics = readList(in);
        int bits = in.get();
        byName.put(
            name,
            new ClassShape(
                name,
                superName,
                fields,
                statics,
                (bits & 1) != 0,
                (bits & 2) != 0,
                (bits & 4) != 0,
                (bits & 8) != 0));
      }
      p =
          VerifiedProgram.capturable(
              classes, shared, digest, new CapturePlan(planClasses, sites, passages), byName);
    } else {
      p =
          rewritten
              ? VerifiedProgram.plainRewritten(classes, shared, digest)
              : VerifiedProgram.plain(classes, shared, digest);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(in.remaining() + " bytes after the last field");
    }
    return p;
  }

  private static int count(ByteBuffer in, int max) {
    int n = in.getInt();
    if (n < 0 || n > max) {
      throw new IllegalArgumentException("count " + n + " out of range");
    }
    return n;
  }

  private static String readStr(ByteBuffer in) {
    int len = Short.toUnsignedInt(in.getShort());
    byte[] b = new byte[len];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static List<String> readList(ByteBuffer in) {
    int n = count(in, in.remaining());
    List<String> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(readStr(in));
    }
    return l;
  }

  private static Set<String> readSet(ByteBuffer in) {
    return new HashSet<>(readList(in));
  }

  private static Map<String, int[]> readOffsets(ByteBuffer in) {
    int n = count(in, in.remaining());
    Map<String, int[]> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String k = readStr(in);
      int[] v = new int[count(in, in.remaining() / 4)];
      for (int j = 0; j < v.length; j++) {
        v[j] = in.getInt();
      }
      m.put(k, v);
    }
    return m;
  }

  // ------------------------------------------------------------------ the kernel's build

  private static final class Build {
    static final String DIGEST = compute();
  }

  /**
   * The kernel's build: the SHA-256 of every file of the kernel's code (its jar, or its classes
   * directory when it runs from one), and the JDK's version. Computed once per JVM.
   */
  public static String kernelBuild() {
    return Build.DIGEST;
  }

  private static String compute() {
    MessageDigest md = sha256();
    md.update(
        (Runtime.version() + "\n" + System.getProperty("java.vm.vendor") + "\n")
            .getBytes(StandardCharsets.UTF_8));
    CodeSource cs = VerifiedCache.class.getProtectionDomain().getCodeSource();
    try {
      Path code = cs == null ? null : Path.of(cs.getLocation().toURI());
      if (code != null && Files.isRegularFile(code)) {
        try (InputStream in = Files.newInputStream(code)) {
          digestStream(md, in);
        }
      } else if (code != null && Files.isDirectory(code)) {
        List<Path> files;
        try (Stream<Path> s = Files.walk(code)) {
          files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          md.update(code.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
          md.update((byte) 0);
          try (InputStream in = Files.newInputStream(f)) {
            digestStream(md, in);
          }
        }
      } else {
        // No code to hash (an unusual class loader): a build of its own, shared with no other JVM.
        md.update(
            ("unhashed " + System.nanoTime() + " " + ProcessHandle.current().pid())
                .getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException | URISyntaxException | RuntimeException e) {
      md.update(
          ("unhashed " + System.nanoTime() + " " + ProcessHandle.current().pid())
              .getBytes(StandardCharsets.UTF_8));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void digestStream(MessageDigest md, InputStream in) throws IOException {
    byte[] buf = new byte[1 << 16];
    for (int n; (n = in.read(buf)) > 0; ) {
      md.update(buf, 0, n);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
