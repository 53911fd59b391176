package jackal.kernel.load;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The classes {@link ProgramRewriter} rewrote in this JVM, by their content: the same class file in
 * two images (the runtime library and the services' stubs are in every image of a system) is
 * rewritten once. The rewrite is a function of the class file's bytes alone, and an entry is found
 * only by an input equal to its own byte for byte (the hash only picks the bucket), so a hit is
 * exactly what rewriting again would make.
 *
 * <p>Bounded by the bytes it holds ({@link #MAX_BYTES}, inputs and outputs); past that the least
 * recently used go, which costs a rewrite, never a wrong answer. No lock is held while rewriting:
 * two CPUs rewriting the same class at once both get an equal result, and one is kept.
 */
final class RewriteMemo {
  private RewriteMemo() {}

  /** Input and output bytes kept at most: the classes of several large images. */
  static final long MAX_BYTES = 64L << 20;

  /** A class file as a key: equal when the bytes are. */
  private record Key(byte[] bytes, int hash) {
    static Key of(byte[] b) {
      return new Key(b, Arrays.hashCode(b));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "class file of " + bytes.length + " bytes";
    }
  }

  private static final ReentrantLock LOCK = new ReentrantLock();
  private static long held;
  private static final AtomicLong REWRITES = new AtomicLong();

  private static final Map<Key, byte[]> DONE =
      new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, byte[]> eldest) {
          if (held <= MAX_BYTES) {
            return false;
          }
          held -= eldest.getKey().bytes.length + eldest.getValue().length;
          return true;
        }
      };

  /** {@code classBytes} rewritten ({@link ProgramRewriter#rewrite}), or found rewritten before. */
  static byte[] rewrite(byte[] classBytes) {
    Key k = Key.of(classBytes);
    LOCK.lock();
    try {
      byte[] done = DONE.get(k);
      if (done != null) {
        return done;
      }
    } finally {
      LOCK.unlock();
    }
    byte[] made = ProgramRewriter.rewrite(classBytes);
    REWRITES.incrementAndGet();
    LOCK.lock();
    try {
      byte[] raced = DONE.get(k);
      if (raced != null) {
        return raced;
      }
      held += classBytes.length + made.length;
      DONE.put(new Key(classBytes.clone(), k.hash), made); // a key no caller can change
      return made;
    } finally {
      LOCK.unlock();
    }
  }

  /** Classes rewritten in this JVM (not found here), for tests and figures. */
  static long rewrites() {
    return REWRITES.get();
  }

  /**
   * Forgets every rewrite, as a new JVM would start (with {@link ProgramLoader#forgetVerified}).
   */
  static void forget() {
    LOCK.lock();
    try {
      DONE.clear();
      held = 0;
    } finally {
      LOCK.unlock();
    }
  }
}
