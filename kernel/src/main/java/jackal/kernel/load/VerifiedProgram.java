package jackal.kernel.load;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes of an image that passed verification, shared by every process running it. Each class
 * is rewritten (preemption checks) the first time any process defines it, and the result is kept: a
 * second process of the same program costs only the definitions of its stateful classes. The
 * classes proven stateless ({@link Statelessness}) are defined once, in the image's {@link
 * SharedClassLoader}, and every process of the image uses those.
 */
public final class VerifiedProgram {
  private final Map<String, byte[]> verified;
  private final Set<String> shared;
  private final ConcurrentHashMap<String, byte[]> rewritten = new ConcurrentHashMap<>();
  private volatile SharedClassLoader sharedLoader;

  /**
   * {@code verified}: class files by binary name ({@code a.b.C}); {@code shared}: the binary names
   * of those that may be shared among processes.
   */
  VerifiedProgram(Map<String, byte[]> verified, Set<String> shared) {
    this.verified = verified;
    this.shared = Set.copyOf(shared);
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

  /** Whether the image defines the class of binary name {@code name}. */
  public boolean defines(String name) {
    return verified.containsKey(name);
  }

  public int classCount() {
    return verified.size();
  }

  /** The bytes to define for {@code name}: verified, then rewritten; null if not in the image. */
  byte[] definable(String name) {
    byte[] v = verified.get(name);
    if (v == null) {
      return null;
    }
    return rewritten.computeIfAbsent(name, n -> ProgramRewriter.rewrite(v));
  }
}
