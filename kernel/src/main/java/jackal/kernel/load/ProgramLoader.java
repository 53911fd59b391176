package jackal.kernel.load;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.obj.Process;
import java.lang.classfile.ClassModel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  /** Reads code from a process's space with execute permission; faults the process as needed. */
  @FunctionalInterface
  public interface CodeFetch {
    void fetch(long addr, byte[] dst, int off, int len);
  }

  private static final int MAX_CACHED = 64;

  private final AllowList allow;
  private static final ReentrantLock LOCK = new ReentrantLock();
  private static final Map<String, Segment> SEGMENTS = lru();
  private static final Map<String, VerifiedProgram> PROGRAMS = lru();

  public ProgramLoader(AllowList allow) {
    this.allow = allow;
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > MAX_CACHED;
      }
    };
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
    StringBuilder key = new StringBuilder();
    for (Segment s : segs) {
      key.append(s.sha256()).append(';');
    }
    String k = key.toString();
    VerifiedProgram p = cached(PROGRAMS, k);
    if (p != null) {
      return p;
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
    internal.forEach((n, b) -> byBinaryName.put(n.replace('/', '.'), b));
    p = new VerifiedProgram(Map.copyOf(byBinaryName));
    put(PROGRAMS, k, p);
    return p;
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
   * Loads the program whose image header is at {@code pc}, through {@code fetch}, for the process
   * named {@code processName}: a fresh class loader, the entry class initialised, and an instance
   * made with its public no-argument constructor. Throws a {@link LoadFailure} for a bad or refused
   * image; anything the program's own code throws (a static initialiser, the constructor) comes out
   * as it is.
   */
  public ProgramEntry load(Process p, CodeFetch fetch, long pc) throws Throwable {
    byte[] fixed = new byte[ImageFormat.FIXED_BYTES];
    fetch.fetch(pc, fixed, 0, fixed.length);
    byte[] header = new byte[ImageFormat.totalBytes(fixed)];
    fetch.fetch(pc, header, 0, header.length);
    ImageFormat.Header h = ImageFormat.decode(header);
    Segment[] segs = new Segment[h.segments().size()];
    for (int i = 0; i < segs.length; i++) {
      ImageFormat.SegmentAt at = h.segments().get(i);
      byte[] jar = new byte[(int) at.length()];
      fetch.fetch(at.address(), jar, 0, jar.length);
      segs[i] = segment(jar);
    }
    VerifiedProgram program = verify(List.of(segs));
    return instantiate(p, program, h.entry());
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
    ProcessClassLoader loader = new ProcessClassLoader(p.toString(), program, allow);
    defineKernelClasses(loader, p);
    Class<?> c = Class.forName(entry, true, loader);
    if (!ProgramEntry.class.isAssignableFrom(c)) {
      throw LoadFailure.badImage("entry class " + entry + " does not implement ProgramEntry");
    }
    MethodHandle ctor;
    try {
      ctor = MethodHandles.publicLookup().findConstructor(c, MethodType.methodType(void.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw LoadFailure.badImage(
          "entry class " + entry + " has no public constructor without arguments");
    }
    return (ProgramEntry) ctor.invoke();
  }

  /**
   * Defines, in {@code p}'s loader and before any program code runs, the classes the kernel adds to
   * every process: the preemption check's class ({@link PollClass}, in package jackal.confined,
   * which no image may declare or name), bound to {@code p} so the kernel can mark it.
   */
  private static void defineKernelClasses(ProcessClassLoader loader, Process p) {
    PollClass.bind(loader.defineKernelClass(PollClass.NAME, PollClass.bytes()), p);
  }

  private static <V> V cached(Map<String, V> m, String k) {
    LOCK.lock();
    try {
      return m.get(k);
    } finally {
      LOCK.unlock();
    }
  }

  private static <V> void put(Map<String, V> m, String k, V v) {
    LOCK.lock();
    try {
      m.put(k, v);
    } finally {
      LOCK.unlock();
    }
  }
}
