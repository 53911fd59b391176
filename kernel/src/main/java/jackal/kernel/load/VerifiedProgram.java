package jackal.kernel.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The classes of an image that passed verification, shared by every process running it. Each class
 * is rewritten (preemption checks) the first time any process defines it, and the result is kept: a
 * second process of the same program costs only its class definitions.
 */
public final class VerifiedProgram {
  private final Map<String, byte[]> verified;
  private final ConcurrentHashMap<String, byte[]> rewritten = new ConcurrentHashMap<>();

  /** {@code verified}: class files by binary name ({@code a.b.C}). */
  VerifiedProgram(Map<String, byte[]> verified) {
    this.verified = verified;
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
