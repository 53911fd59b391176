package jackal.kernel.load;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.load.capture.CaptureAccessors;
import jackal.kernel.load.capture.CaptureTransform;
import jackal.kernel.load.capture.CaptureTransform.CapturePoints;
import jackal.kernel.load.capture.NotCapturable;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The machine's program loader: reads a program image through a process's address space, verifies
 * it (once per image: the result is cached by the SHA-256 of its segments), and gives the process
 * its own class loader and an instance of the entry class.
 *
 * <p>The caches are bounded; an entry pushed out costs a second verification, never a wrong answer,
 * since the key is the content.
 */
public final class ProgramLoader {
  /**
   * A process's view of its code: the pages under byte ranges of its space, found through paths
   * that allow execution (faulting the process as needed), and a way to make every translation
   * cache walk again.
   */
  public interface CodeAccess {
    /** The pages under {@code ranges} (pairs of address and length), in order, into {@code out}. */
    void pages(long[] ranges, Page[] out);

    /**
     * Makes every translation cache stale, so that any later store into a page walks first (and
     * counts as a write of the page: see {@link Page#writes}).
     */
    void translationsChanged();
  }

  private static final int MAX_CACHED = 64;

  private final AllowList allow;
  private final boolean capture;
  private final AtomicLong imagesRead = new AtomicLong();
  private final AtomicLong verifications = new AtomicLong();

  /** The verified programs kept on disk across JVMs, or null (set before the CPUs start). */
  private volatile VerifiedCache cache;

  /** Run at the start of every verification (tests make a load last with it); null: none. */
  private static volatile Runnable whileVerifying;

  /**
   * Has {@code hook} run at the start of every verification in this JVM (null: none). For tests
   * that need a load to last (this package is not exported from the kernel's module).
   */
  public static void setVerifyHook(Runnable hook) {
    whileVerifying = hook;
  }

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final Map<String, Segment> SEGMENTS = lru();
  private static final Map<String, VerifiedProgram> PROGRAMS = lru();

  /**
   * Images this loader loaded before, by the page holding the start of their header. Per loader, so
   * per kernel: a page is one kernel's object, and through it (its object table) everything that
   * kernel holds, so a cache shared by the JVM would keep up to {@link #MAX_CACHED} closed kernels,
   * with all their processes' memory, alive for as long as the JVM runs. No other kernel could hit
   * an entry anyway: its pages are other objects.
   */
  private final Map<Page, KnownImage> images = lru();

  /** A loader that does not make programs capturable. */
  public ProgramLoader(AllowList allow) {
    this(allow, false);
  }

  /**
   * {@code capture}: whether every program is made capturable when verified (KernelConfig.capture);
   * without it the loader only rewrites the preemption checks, and a program is never transformed
   * for capture, so it pays nothing for it.
   */
  public ProgramLoader(AllowList allow, boolean capture) {
    this.allow = allow;
    this.capture = capture;
  }

  /** Whether this loader makes programs capturable. */
  public boolean captures() {
    return capture;
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > MAX_CACHED;
      }
    };
  }

  /** Images this loader read because it did not recognise their pages. */
  public long imagesRead() {
    return imagesRead.get();
  }

  /** Images this loader verified (found neither in this JVM nor in the cache on disk). */
  public long verifications() {
    return verifications.get();
  }

  /**
   * Keeps verified programs in {@code c} too, and looks there before verifying, so that another JVM
   * (a resumed store, a second run) finds them; null: this JVM's memory only. Set before any
   * program loads.
   */
  public void useCache(VerifiedCache c) {
    this.cache = c;
  }

  /** The cache on disk, or null. */
  public VerifiedCache cache() {
    return cache;
  }

  /**
   * Forgets every image verified in this JVM, as a new JVM would start (for tests; this package is
   * not exported from the kernel's module).
   */
  public static void forgetVerified() {
    LOCK.lock();
    try {
      SEGMENTS.clear();
      PROGRAMS.clear(); // images are per loader: a new kernel's loader starts with none
    } finally {
      LOCK.unlock();
    }
    RewriteMemo.forget();
  }

  /** Unpacks a jar (or finds it unpacked already). */
  public Segment segment(byte[] jar) {
    String hash = Segment.sha256(jar);
    Segment s = cached(SEGMENTS, hash);
    if (s == null) {
      s = Segment.parse(jar, hash);
      put(SEGMENTS, hash, s);
    }
    return s;
  }

  /**
   * Verifies the image made of {@code segs} in order (or finds it verified already). Throws a
   * {@link LoadFailure}.
   */
  public VerifiedProgram verify(List<Segment> segs) {
    List<String> hashes = new ArrayList<>();
    for (Segment s : segs) {
      hashes.add(s.sha256());
    }
    VerifiedProgram p = known(hashes);
    return p != null ? p : verifyNow(hashes, segs);
  }

  /** The digest naming the image of segments with SHA-256 {@code hashes}, in order. */
  private static String digestOf(List<String> hashes) {
    StringBuilder key = new StringBuilder();
    for (String h : hashes) {
      key.append(h).append(';');
    }
    return key.toString();
  }

  /** The in-memory key: the same image verified with and without capture are different programs. */
  private String memoryKey(String digest) {
    return (capture ? "capturable;" : "plain;") + digest;
  }

  /**
   * The image of segments with SHA-256 {@code hashes} as verified before: in this JVM, or kept in
   * the cache on disk (checked before it is used); null if it must be verified.
   */
  private VerifiedProgram known(List<String> hashes) {
    String digest = digestOf(hashes);
    VerifiedProgram p = cached(PROGRAMS, memoryKey(digest));
    if (p != null) {
      return p;
    }
    VerifiedCache disk = cache;
    if (disk != null) {
      p = disk.find(disk.key(allow, capture, digest), digest, capture);
      if (p != null) {
        put(PROGRAMS, memoryKey(digest), p);
      }
    }
    return p;
  }

  /** Verifies (and prepares) the image of {@code segs}, whose hashes are {@code hashes}. */
  private VerifiedProgram verifyNow(List<String> hashes, List<Segment> segs) {
    String digest = digestOf(hashes);
    String k = memoryKey(digest);
    VerifiedProgram p;
    verifications.incrementAndGet();
    Runnable hook = whileVerifying;
    if (hook != null) {
      hook.run();
    }
    Map<String, byte[]> internal = new HashMap<>();
    int count = 0;
    for (Segment s : segs) {
      count += s.classes().size();
      if (count > ImageLimits.MAX_CLASSES) {
        throw LoadFailure.badImage("image has more than " + ImageLimits.MAX_CLASSES + " classes");
      }
      for (Map.Entry<String, byte[]> e : s.classes().entrySet()) {
        if (internal.put(e.getKey(), e.getValue()) != null) {
          throw LoadFailure.badImage(
              "class " + e.getKey().replace('/', '.') + " is in more than one segment");
        }
      }
    }
    Map<String, ClassModel> image = Verifier.parse(internal);
    for (Segment s : segs) {
      if (!verifiesAlone(s)) {
        List<ClassModel> own = new ArrayList<>();
        s.classes().keySet().forEach(n -> own.add(image.get(n)));
        Verifier.verify(allow, image, own);
      }
    }
    Map<String, byte[]> byBinaryName = new HashMap<>();
    Set<String> shared = Statelessness.shareable(image);
    VerifiedCache disk = cache;
    if (capture) {
      internal.forEach((n, b) -> byBinaryName.put(n.replace('/', '.'), RewriteMemo.rewrite(b)));
      p = capturable(byBinaryName, digest, shared);
    } else {
      internal.forEach((n, b) -> byBinaryName.put(n.replace('/', '.'), b));
      // Kept on disk: rewritten now, so the entry holds the classes as defined and the next JVM
      // rewrites nothing; in memory only, each class is rewritten when first defined.
      Map<String, byte[]> rewritten =
          disk == null ? null : VerifiedProgram.rewriteAll(byBinaryName);
      p =
          rewritten != null
              ? VerifiedProgram.plainRewritten(rewritten, shared, digest)
              : VerifiedProgram.plain(byBinaryName, shared, digest);
    }
    put(PROGRAMS, k, p);
    if (disk != null) {
      disk.keep(disk.key(allow, capture, digest), p);
    }
    return p;
  }

  /** Resolves what a program's classes reach outside it (the JDK, the kernel's API). */
  private static final ClassHierarchyResolver OUTSIDE =
      ClassHierarchyResolver.defaultResolver()
          .orElse(ClassHierarchyResolver.ofResourceParsing(ProgramEntry.class.getClassLoader()))
          .cached();

  /**
   * Makes the rewritten program capturable (docs/PERSISTENCE.md): its frames at its system calls
   * and preemption checks, its objects and statics through generated accessors. Every program is;
   * one that cannot be is refused with the places and reasons.
   */
  private static VerifiedProgram capturable(
      Map<String, byte[]> rewritten, String digest, Set<String> shared) {
    CaptureTransform.Result frames;
    try {
      frames = CaptureTransform.transform(rewritten, CapturePoints.kernel(), OUTSIDE);
    } catch (NotCapturable e) {
      throw LoadFailure.notCapturable(e.refusals());
    }
    CaptureAccessors.Result objects = CaptureAccessors.transform(frames.classes(), OUTSIDE);
    return VerifiedProgram.capturable(
        objects.classes(), shared, digest, frames.plan(), objects.shapes());
  }

  /**
   * Whether segment {@code s} verifies on its own (its classes reach only one another, the kernel
   * API and the allow-list), remembered per segment. Such a segment, the runtime library for one,
   * is verified once whatever images it is part of: no other segment can change how its references
   * resolve, since their supertypes and references stay within it and no class may be in two
   * segments of an image. Any other segment is verified within each image that names it.
   */
  private boolean verifiesAlone(Segment s) {
    Boolean alone = s.verifiesAlone;
    if (alone == null) {
      try {
        Map<String, ClassModel> own = Verifier.parse(s.classes());
        Verifier.verify(allow, own, own.values());
        alone = Boolean.TRUE;
      } catch (LoadFailure f) {
        if (f.refusal() == null) {
          throw f; // malformed: wrong in any image
        }
        alone = Boolean.FALSE;
      }
      s.verifiesAlone = alone;
    }
    return alone;
  }

  /**
   * An image verified before: the pages it was read from (header first, then each segment's), each
   * page's write count when it was read, and what its bytes made. The same pages with the same
   * counts hold the same bytes, since every writer counts before it writes ({@link Page#writes}).
   */
  private static final class KnownImage {
    final long pc;
    final Page[] pages;
    final long[] writes;
    final long[] ranges;
    final String entry;
    final VerifiedProgram program;

    KnownImage(
        long pc,
        Page[] pages,
        long[] writes,
        long[] ranges,
        String entry,
        VerifiedProgram program) {
      this.pc = pc;
      this.pages = pages;
      this.writes = writes;
      this.ranges = ranges;
      this.entry = entry;
      this.program = program;
    }

    boolean holds(Page[] now) {
      for (int i = 0; i < pages.length; i++) {
        if (now[i] != pages[i] || pages[i].writes() != writes[i]) {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * Loads the program whose image header is at {@code pc}, through {@code code}, for the process
   * {@code p}: a fresh class loader, the entry class initialised, and an instance made with its
   * public no-argument constructor. Throws a {@link LoadFailure} for a bad or refused image;
   * anything the program's own code throws (a static initialiser, the constructor) comes out as it
   * is.
   *
   * <p>An image loaded before is recognised without reading its bytes: its pages are walked again
   * (one transaction, with the same faults as a read: a destroyed segment faults the process) and
   * compared, by identity and write count, with those it was verified from. Anything else is read
   * afresh, hashed and verified (or found verified by its segments' hashes).
   */
  public ProgramEntry load(Process p, CodeAccess code, long pc) throws Throwable {
    p.loading = true;
    try {
      return loadMarked(p, code, pc);
    } finally {
      p.loading = false;
    }
  }

  private ProgramEntry loadMarked(Process p, CodeAccess code, long pc) throws Throwable {
    Page[] first = new Page[1];
    code.pages(new long[] {pc, 1}, first);
    KnownImage known = cached(images, first[0]);
    if (known != null && known.pc == pc && known.program.isCapturable() == capture) {
      Page[] now = new Page[known.pages.length];
      code.pages(known.ranges, now);
      if (known.holds(now)) {
        return instantiate(p, known.program, known.entry);
      }
    }
    KnownImage read = read(code, pc);
    return instantiate(p, read.program, read.entry);
  }

  /**
   * Reads, hashes and verifies the image at {@code pc}, and remembers its pages. Every translation
   * cache is made stale first, so that a store into one of the pages after its count was taken
   * walks, and counts, again.
   */
  private KnownImage read(CodeAccess code, long pc) {
    imagesRead.incrementAndGet();
    code.translationsChanged();
    byte[] fixed = copy(code, new long[] {pc, ImageFormat.FIXED_BYTES}, null, null);
    long[] headerRange = {pc, ImageFormat.totalBytes(fixed)};
    List<Page> pages = new ArrayList<>();
    List<Long> writes = new ArrayList<>();
    byte[] header = copy(code, headerRange, pages, writes);
    ImageFormat.Header h = ImageFormat.decode(header);
    int n = h.segments().size();
    long[] ranges = new long[2 + 2 * n];
    ranges[0] = headerRange[0];
    ranges[1] = headerRange[1];
    for (int i = 0; i < n; i++) {
      ImageFormat.SegmentAt at = h.segments().get(i);
      ranges[2 + 2 * i] = at.address();
      ranges[3 + 2 * i] = at.length();
    }
    long[] segRanges = Arrays.copyOfRange(ranges, 2, ranges.length);
    Page[] segPages = new Page[pageCount(segRanges)];
    code.pages(segRanges, segPages);
    for (Page pg : segPages) {
      pages.add(pg);
      writes.add(pg.writes()); // before the bytes are copied: a write after this one counts
    }
    byte[][] jars = new byte[n][];
    List<String> hashes = new ArrayList<>();
    int at = 0;
    for (int i = 0; i < n; i++) {
      long addr = segRanges[2 * i];
      jars[i] = new byte[(int) segRanges[2 * i + 1]];
      at = copyFrom(segPages, at, addr, jars[i]);
      hashes.add(Segment.sha256(jars[i]));
    }
    // Verified before (in this JVM, or kept on disk): the jars need not even be unpacked.
    VerifiedProgram program = known(hashes);
    if (program == null) {
      List<Segment> segs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Segment s = cached(SEGMENTS, hashes.get(i));
        if (s == null) {
          s = Segment.parse(jars[i], hashes.get(i));
          put(SEGMENTS, hashes.get(i), s);
        }
        segs.add(s);
      }
      program = verifyNow(hashes, segs);
    }
    long[] w = new long[writes.size()];
    Arrays.setAll(w, writes::get);
    Page[] all = pages.toArray(new Page[0]);
    KnownImage image = new KnownImage(pc, all, w, ranges, h.entry(), program);
    put(images, all[0], image);
    return image;
  }

  /**
   * The bytes of {@code range} (address and length), read from the pages under it; records the
   * pages and their write counts, taken before the copy, if asked.
   */
  private static byte[] copy(CodeAccess code, long[] range, List<Page> pages, List<Long> writes) {
    Page[] ps = new Page[pageCount(range)];
    code.pages(range, ps);
    if (pages != null) {
      for (Page pg : ps) {
        pages.add(pg);
        writes.add(pg.writes());
      }
    }
    byte[] out = new byte[(int) range[1]];
    copyFrom(ps, 0, range[0], out);
    return out;
  }

  /**
   * Copies {@code dst.length} bytes from {@code addr} out of consecutive pages starting at {@code
   * pages[at]} (the page holding {@code addr}); returns the index after the last page used.
   */
  private static int copyFrom(Page[] pages, int at, long addr, byte[] dst) {
    int done = 0;
    while (done < dst.length) {
      long a = addr + done;
      int po = (int) (a & (Page.SIZE - 1));
      int n = Math.min(dst.length - done, Page.SIZE - po);
      System.arraycopy(pages[at++].bytes, po, dst, done, n);
      done += n;
    }
    return at;
  }

  /** How many pages the byte ranges (pairs of address and length, each at least 1) cover. */
  static int pageCount(long[] ranges) {
    int n = 0;
    for (int r = 0; r < ranges.length; r += 2) {
      long first = ranges[r] >>> Page.SIZE_BITS;
      long last = (ranges[r] + ranges[r + 1] - 1) >>> Page.SIZE_BITS;
      n += (int) (last - first + 1);
    }
    return n;
  }

  /**
   * A fresh class loader for process {@code p}, the kernel's own classes defined in it, and an
   * instance of the entry class.
   */
  public ProgramEntry instantiate(Process p, VerifiedProgram program, String entry)
      throws Throwable {
    if (!program.defines(entry)) {
      throw LoadFailure.badImage("entry class " + entry + " is not in the image");
    }
    if (!program.isCapturable() && program.isShared(entry)) {
      // A shared entry class names only shared classes: a loader of the process's own would never
      // define a class. The image keeps the entry's constructor; the process gets a fresh instance.
      MethodHandle ctor = program.sharedEntry(entry);
      if (ctor == null) {
        ctor = entryConstructor(Class.forName(entry, true, program.sharedLoader(allow)), entry);
        program.keepSharedEntry(entry, ctor);
      }
      PollClass.bind(p);
      p.loading = false; // the constructor is program code
      return (ProgramEntry) ctor.invoke();
    }
    ProcessClassLoader loader = new ProcessClassLoader(p.toString(), program, allow);
    defineKernelClasses(loader, p);
    if (program.sharedCount() > 0) {
      program.sharedLoader(allow); // made here, while the process is marked loading, not mid-run
    }
    p.loading = false; // from here on program code runs: static initializers, the constructor
    if (program.isCapturable()) {
      LoadedProgram loaded = new LoadedProgram(loader, program, entry);
      p.loaded = loaded;
      byte[] state = p.restoreFrom;
      if (state != null) {
        p.restoreFrom = null;
        return loaded.restoreFrom(state); // its entry object is in the state: no constructor runs
      }
    }
    return (ProgramEntry) entryConstructor(Class.forName(entry, true, loader), entry).invoke();
  }

  /**
   * The public no-argument constructor of entry class {@code c} (named {@code entry}), which must
   * implement {@link ProgramEntry}.
   */
  private static MethodHandle entryConstructor(Class<?> c, String entry) {
    if (!ProgramEntry.class.isAssignableFrom(c)) {
      throw LoadFailure.badImage("entry class " + entry + " does not implement ProgramEntry");
    }
    try {
      return MethodHandles.publicLookup().findConstructor(c, MethodType.methodType(void.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw LoadFailure.badImage(
          "entry class " + entry + " has no public constructor without arguments");
    }
  }

  /**
   * Prepares {@code p} before any program code runs: a fresh preemption word read through the
   * shared poll class ({@link PollClass}, in package jackal.confined, which no image may declare or
   * name; {@code loader} resolves it to the one shared class), so the kernel can mark the process.
   */
  private static void defineKernelClasses(ProcessClassLoader loader, Process p) {
    PollClass.bind(p);
  }

  private static <K, V> V cached(Map<K, V> m, K k) {
    LOCK.lock();
    try {
      return m.get(k);
    } finally {
      LOCK.unlock();
    }
  }

  private static <K, V> void put(Map<K, V> m, K k, V v) {
    LOCK.lock();
    try {
      m.put(k, v);
    } finally {
      LOCK.unlock();
    }
  }
}
