package jackal.kernel.cap;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Restr;
import jackal.kernel.obj.KObject;

/**
 * An immutable capability value: type, restrictions, allocation count, the second word (a protected
 * payload or a memory guard) and an OID or window offset.
 *
 * <p>Object capabilities (type 0x20 and up) also carry a direct reference to the object their OID
 * names, the equivalent of a prepared capability in Coyotos; the reference is a cache and not part
 * of the value, so {@link #equals} and the 16-byte form ignore it. Such a capability is valid only
 * while its count equals the object's, which is checked under the object's lock each time the
 * capability is used.
 */
public final class Capability {
  public static final Capability NULL = new Capability(CapType.NULL, 0, 0, 0, 0, null);

  /** Type code (6 bits). */
  public final int type;

  /** Restriction bits (5 bits). */
  public final int restr;

  /** Allocation count (object caps) or root slot (LocalWindow). */
  public final long allocCount;

  /**
   * Word 1: the protected payload (Entry, AppNotice, IrqWait), or the guard {@code (match << 8) |
   * l2g} (memory and window caps), as an unsigned 32-bit value in an int.
   */
  public final int word1;

  /** OID (object caps) or offset (window caps). */
  public final long oid;

  /** The object an object capability names; null for every other capability. */
  public final KObject target;

  private Capability(int type, int restr, long allocCount, int word1, long oid, KObject target) {
    this.type = type;
    this.restr = restr;
    this.allocCount = allocCount;
    this.word1 = word1;
    this.oid = oid;
    this.target = target;
  }

  /** A capability of a misc (non-object) type with no fields, e.g. Discrim or KernLog. */
  public static Capability misc(int type) {
    if (type < 0 || CapType.isObject(type)) {
      throw new IllegalArgumentException("not a misc type: " + CapType.name(type));
    }
    return type == CapType.NULL ? NULL : MISC[type];
  }

  /**
   * One full-strength capability of each misc type: a capability is an immutable value, so every
   * process's Schedule capability (say) can be the same object (48 bytes a process less).
   */
  private static final Capability[] MISC = new Capability[CapType.FIRST_OBJECT];

  static {
    for (int t = 1; t < CapType.FIRST_OBJECT; t++) {
      MISC[t] = new Capability(t, 0, 0, 0, 0, null);
    }
  }

  /** A capability to {@code target} with the object's current allocation count. */
  public static Capability object(int type, int restr, int word1, KObject target) {
    return new Capability(type, restr & Restr.ALL, target.allocCount, word1, target.oid, target);
  }

  /** A capability with every field given; used by decoding and by tests. */
  public static Capability of(
      int type, int restr, long allocCount, int word1, long oid, KObject target) {
    if (type == CapType.NULL && restr == 0 && allocCount == 0 && word1 == 0 && oid == 0) {
      return NULL;
    }
    return new Capability(type, restr & Restr.ALL, allocCount, word1, oid, target);
  }

  public boolean isNull() {
    return type == CapType.NULL;
  }

  public boolean isObjectCap() {
    return type >= CapType.FIRST_OBJECT;
  }

  /** The protected payload as an unsigned value. */
  public long payload() {
    return word1 & 0xFFFF_FFFFL;
  }

  public Capability withRestr(int newRestr) {
    return newRestr == restr
        ? this
        : new Capability(type, newRestr & Restr.ALL, allocCount, word1, oid, target);
  }

  public Capability withWord1(int newWord1) {
    return newWord1 == word1
        ? this
        : new Capability(type, restr, allocCount, newWord1, oid, target);
  }

  public Capability withType(int newType) {
    return newType == type ? this : new Capability(newType, restr, allocCount, word1, oid, target);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Capability c
        && c.type == type
        && c.restr == restr
        && c.allocCount == allocCount
        && c.word1 == word1
        && c.oid == oid;
  }

  @Override
  public int hashCode() {
    return ((type * 31 + restr) * 31 + Long.hashCode(allocCount)) * 31
        + word1 * 17
        + Long.hashCode(oid);
  }

  @Override
  public String toString() {
    if (type == CapType.NULL) {
      return "Null";
    }
    StringBuilder b = new StringBuilder(CapType.name(type));
    if (isObjectCap()) {
      b.append("(oid=").append(oid).append(", count=").append(allocCount);
      if (restr != 0) {
        b.append(", restr=0x").append(Integer.toHexString(restr));
      }
      b.append(", w1=0x").append(Integer.toHexString(word1)).append(')');
    }
    return b.toString();
  }
}
