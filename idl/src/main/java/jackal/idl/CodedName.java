package jackal.idl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * CapIDL coded names. The coded name of a dotted qualified name is its SHA-1 digest (over the ASCII
 * bytes of the name) cut to the first eight bytes, read as a big-endian 64-bit number. Interface
 * type codes ({@code IKT}) and exception codes ({@code RC}) are the whole 64 bits; method codes
 * ({@code OC}) are the low 32.
 */
public final class CodedName {
  private CodedName() {}

  /** The 64-bit coded name of {@code qualifiedName}, e.g. {@code coyotos.Cap.NoAccess}. */
  public static long of(String qualifiedName) {
    for (int i = 0; i < qualifiedName.length(); i++) {
      if (qualifiedName.charAt(i) > 0x7f) {
        throw new IllegalArgumentException("not an ASCII name: " + qualifiedName);
      }
    }
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK has no SHA-1", e);
    }
    byte[] d = sha1.digest(qualifiedName.getBytes(StandardCharsets.US_ASCII));
    long v = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      v = (v << 8) | (d[i] & 0xffL);
    }
    return v;
  }

  /** The 32-bit method code of a method's qualified name ({@code package.Interface.method}). */
  public static int methodCode(String qualifiedMethod) {
    return (int) of(qualifiedMethod);
  }
}
