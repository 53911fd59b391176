package jackal.kernel.cap;

import jackal.kernel.api.CapType;

/**
 * The 16-byte external form of a capability, as four little-endian 32-bit words (what CapBits.get
 * returns and what the store writes).
 *
 * <pre>
 * word 0: type:6 | prepared:1 | restr:5 | allocCount[19:0]:20
 * word 1: protected payload, or guard = (match:24 &lt;&lt; 8) | l2g:7
 * words 2-3: OID or window offset; in the wide layout the top 24 bits of an object
 *            capability's OID field carry allocCount[43:20]
 * </pre>
 *
 * The prepared bit is always written as zero: Jackal's capabilities are values and have no prepared
 * form to leak.
 */
public final class CapEncoding {
  private CapEncoding() {}

  private static final long LOW20 = (1L << 20) - 1;

  /** Encodes {@code c} into four words. */
  public static int[] encode(Capability c, OidLayout layout) {
    long count = c.allocCount;
    long w23 = c.oid;
    if (c.isObjectCap() && layout.oidBits < 64) {
      w23 = (c.oid & layout.maxOid) | ((count >>> 20) << layout.oidBits);
    }
    int w0 = (c.type & 0x3F) | ((c.restr & 0x1F) << 7) | (int) ((count & LOW20) << 12);
    return new int[] {w0, c.word1(), (int) w23, (int) (w23 >>> 32)};
  }

  /** Encodes {@code c} into 16 little-endian bytes. */
  public static byte[] encodeBytes(Capability c, OidLayout layout) {
    int[] w = encode(c, layout);
    byte[] b = new byte[16];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        b[i * 4 + j] = (byte) (w[i] >>> (8 * j));
      }
    }
    return b;
  }

  /**
   * Decodes four words. Object capabilities are bound to the object {@code resolve} returns for
   * their OID (or to none, when it returns null); the caller decides validity later, as for any
   * capability.
   */
  public static Capability decode(int[] w, OidLayout layout, ResolveObject resolve) {
    int type = w[0] & 0x3F;
    int restr = (w[0] >>> 7) & 0x1F;
    long count = (w[0] >>> 12) & LOW20;
    long w23 = (w[2] & 0xFFFF_FFFFL) | ((long) w[3] << 32);
    long oid = w23;
    if (CapType.isObject(type) && layout.oidBits < 64) {
      oid = w23 & layout.maxOid;
      count |= (w23 >>> layout.oidBits) << 20;
    }
    var target = CapType.isObject(type) && resolve != null ? resolve.resolve(type, oid) : null;
    return Capability.of(type, restr, count, w[1], oid, target);
  }

  public static Capability decodeBytes(byte[] b, OidLayout layout, ResolveObject resolve) {
    int[] w = new int[4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        w[i] |= (b[i * 4 + j] & 0xFF) << (8 * j);
      }
    }
    return decode(w, layout, resolve);
  }

  /** Finds the object an object capability of a given type code names. */
  @FunctionalInterface
  public interface ResolveObject {
    jackal.kernel.obj.KObject resolve(int capType, long oid);
  }
}
