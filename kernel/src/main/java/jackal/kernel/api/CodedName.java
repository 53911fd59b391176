package jackal.kernel.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The CapIDL coded name of a qualified name: the first eight bytes of the SHA-1 digest of the
 * dotted name's ASCII bytes, read big-endian. Method codes are its low 32 bits; exception codes and
 * interface type codes are all 64.
 */
public final class CodedName {
  private CodedName() {}

  /** The 64-bit coded name of {@code qualifiedName}, e.g. {@code coyotos.Cap.getType}. */
  public static long of(String qualifiedName) {
    byte[] digest;
    try {
      digest =
          MessageDigest.getInstance("SHA-1")
              .digest(qualifiedName.getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-1", e);
    }
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (digest[i] & 0xFF);
    }
    return v;
  }

  /** The 32-bit method code ({@code OC_}) of a method's qualified name. */
  public static int methodCode(String qualifiedMethod) {
    return (int) of(qualifiedMethod);
  }
}
