package jackal.kernel.load;

import jackal.kernel.load.capture.CapturePlan;
import jackal.kernel.load.capture.ClassShape;
import java.lang.invoke.MethodHandle;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes of an image that passed verification, shared by every process running it, in the form
 * processes define them: rewritten with preemption checks ({@link ProgramRewriter}) and, on a
 * kernel whose programs persist ({@code KernelConfig.capture}), made capturable ({@code
 * jackal.kernel.load.capture}) once per image when it is verified, since whether a method can reach
 * a capture point depends on the whole program. Without capture a class is rewritten the first time
 * any process defines it, and the result kept (or, when the loader keeps programs on disk, every
 * class at once when the image is verified, so the entry on disk holds them rewritten and a later
 * JVM rewrites nothing); either way a class file already rewritten in this JVM, for another image,
 * is not rewritten again ({@link RewriteMemo}). The classes proven stateless ({@link
 * Statelessness}) are defined once, in the image's {@link SharedClassLoader}, and every process of
 * the image uses those.
 */
public final class VerifiedProgram {
  private final Map<String, byte[]> classes;
  private final boolean prepared;
  private final ConcurrentHashMap<String, byte[]> rewritten = new ConcurrentHashMap<>();
  private final Set<String> shared;
  private final String digest;
  private final CapturePlan plan;
  private final Map<String, ClassShape> shapes;
  private volatile SharedClassLoader sharedLoader;

  /** The constructor of a shared entry class, found once for the image (null until then). */
  private volatile SharedEntry sharedEntry;

  /** A shared entry class's name and its public no-argument constructor. */
  private record SharedEntry(String name, MethodHandle ctor) {}

  private VerifiedProgram(
      Map<String, byte[]> classes,
      boolean prepared,
      Set<String> shared,
      String digest,
      CapturePlan plan,
      Map<String, ClassShape> shapes) {
    this.classes = Map.copyOf(classes);
    this.prepared = prepared;
    this.shared = Set.copyOf(shared);
    this.digest = digest;
    this.plan = plan;
    this.shapes = Map.copyOf(shapes);
  }

  /**
   * A program whose state is not capturable: {@code verified} class files by binary name ({@code
   * a.b.C}), rewritten lazily; {@code shared}: the binary names of those processes may share.
   */
  static VerifiedProgram plain(Map<String, byte[]> verified, Set<String> shared, String digest) {
    return new VerifiedProgram(verified, false, shared, digest, null, Map.of());
  }

  /**
   * A program whose state is not capturable, its class files by binary name already rewritten with
   * preemption checks ({@code rewritten}, as {@link #rewriteAll} makes them or the cache on disk
   * kept them); {@code shared} as for {@link #plain}.
   */
  static VerifiedProgram plainRewritten(
      Map<String, byte[]> rewritten, Set<String> shared, String digest) {
    return new VerifiedProgram(rewritten, true, shared, digest, null, Map.of());
  }

  /**
   * {@code verified} (binary name to class file) with every class rewritten ({@link RewriteMemo}),
   * or null if one cannot be (then each is rewritten when it is defined, and that one fails there,
   * as it would had nothing been done early).
   */
  static Map<String, byte[]> rewriteAll(Map<String, byte[]> verified) {
    Map<String, byte[]> out = new java.util.HashMap<>();
    try {
      verified.forEach((n, b) -> out.put(n, RewriteMemo.rewrite(b)));
    } catch (IllegalArgumentException e) {
      return null;
    }
    return out;
  }

  /** Whether its class files are ready to define as they are (rewritten, and capturable if so). */
  boolean isPrepared() {
    return prepared;
  }

  /**
   * A capturable program: {@code prepared} class files by binary name, rewritten and made
   * capturable, ready to define; {@code shared} as for {@link #plain}.
   */
  static VerifiedProgram capturable(
      Map<String, byte[]> prepared,
      Set<String> shared,
      String digest,
      CapturePlan plan,
      Map<String, ClassShape> shapes) {
    return new VerifiedProgram(prepared, true, shared, digest, plan, shapes);
  }

  /** Whether its processes' program state can be captured (the loader made it capturable). */
  public boolean isCapturable() {
    return plan != null;
  }

  /** Whether the class of binary name {@code name} is one the processes of the image share. */
  public boolean isShared(String name) {
    return shared.contains(name);
  }

  /** How many of the image's classes are shared among its processes. */
  public int sharedCount() {
    return shared.size();
  }

  /**
   * The loader of this image's shared classes, made on first use with every shared class defined,
   * linked and initialised at once: no process's state (a deep stack, a full heap) can then leave a
   * shared class half-made for the others, and later processes define none of them.
   */
  SharedClassLoader sharedLoader(AllowList allow) {
    SharedClassLoader l = sharedLoader;
    if (l == null) {
      synchronized (shared) {
        l = sharedLoader;
        if (l == null) {
          l = new SharedClassLoader(this, allow);
          for (String name : shared) {
            try {
              Class.forName(name, true, l);
            } catch (ClassNotFoundException e) {
              throw new IllegalStateException("shared class " + name + " not found", e);
            }
          }
          sharedLoader = l;
        }
      }
    }
    return l;
  }

  /**
   * The public no-argument constructor of the shared entry class {@code name}, if {@link
   * #keepSharedEntry} kept it, else null.
   */
  MethodHandle sharedEntry(String name) {
    SharedEntry e = sharedEntry;
    return e != null && e.name().equals(name) ? e.ctor() : null;
  }

  /** Keeps {@code ctor}, the constructor of the shared entry class {@code name}. */
  void keepSharedEntry(String name, MethodHandle ctor) {
    sharedEntry = new SharedEntry(name, ctor);
  }

  /** The loader of the shared classes if it was made yet, else null. */
  ClassLoader sharedLoaderIfMade() {
    return sharedLoader;
  }

  /** Whether the image defines the class of binary name {@code name}. */
  public boolean defines(String name) {
    return classes.containsKey(name);
  }

  public int classCount() {
    return classes.size();
  }

  /** The digest of the image's segments: what program state taken from it names. */
  public String digest() {
    return digest;
  }

  /** Where the program's frames can be captured; null if it is not capturable. */
  public CapturePlan plan() {
    return plan;
  }

  /** The shape of each program class (binary name), for the program-state codec. */
  public Map<String, ClassShape> shapes() {
    return shapes;
  }

  /**
   * The class files as verified: prepared to define if {@link #isPrepared}, else as the image holds
   * them (rewritten when first defined). For the on-disk cache ({@link VerifiedCache}).
   */
  Map<String, byte[]> classFiles() {
    return classes;
  }

  /** The binary names of the classes its processes share. */
  Set<String> sharedNames() {
    return shared;
  }

  /** The bytes to define for {@code name}; null if not in the image. */
  byte[] definable(String name) {
    byte[] b = classes.get(name);
    if (b == null || prepared) {
      return b;
    }
    return rewritten.computeIfAbsent(name, n -> RewriteMemo.rewrite(b));
  }
}
