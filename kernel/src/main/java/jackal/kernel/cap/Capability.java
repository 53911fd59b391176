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
   * Word 1 ({@link #word1()}). The one field that can change, and only in a reply capability the
   * kernel made that is still {@link #recyclable}: see {@link #reissue}.
   */
  private int word1;

  /**
   * True for a reply capability the kernel made and delivered into one capability register, as long
   * as nothing has read it from there but an invocation of it: that register holds the only
   * reference that outlives a transaction. Cleared (for good) by {@link #pin}, which every other
   * read of a register does before the reference can be kept anywhere else.
   */
  private boolean recyclable;

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

  /**
   * A reply capability (an Entry capability with no restrictions, carrying {@code payload}) to
   * {@code ep} with its current count, made to be delivered into one capability register and
   * recycled by the next delivery there ({@link #reissue}).
   */
  public static Capability reply(KObject ep, int payload) {
    Capability c = new Capability(CapType.ENTRY, 0, ep.allocCount, payload, ep.oid, ep);
    c.recyclable = true;
    return c;
  }

  /**
   * Turns this reply capability, which a register about to be overwritten holds, into the reply
   * capability {@link #reply reply(ep, payload)} would make, instead of a new object: what the
   * register held was only ever seen through that register, so no holder of the old value can see
   * it change. Returns false (and changes nothing) unless this is a {@link #recyclable} reply
   * capability to {@code ep} with its current count. Called after the commit point, holding the
   * register's process's lock.
   */
  public boolean reissue(KObject ep, int payload) {
    if (!recyclable || target != ep || allocCount != ep.allocCount) {
      return false;
    }
    word1 = payload;
    return true;
  }

  /**
   * This capability, which may from now on be kept anywhere: a recyclable reply capability read
   * from its register becomes an ordinary, immutable value. Every read of a capability register
   * except the invocation of the capability in it goes through here, holding the register's
   * process's lock.
   */
  public Capability pin() {
    if (recyclable) {
      recyclable = false;
    }
    return this;
  }

  /**
   * Word 1: the protected payload (Entry, AppNotice, IrqWait), or the guard {@code (match << 8) |
   * l2g} (memory and window caps), as an unsigned 32-bit value in an int.
   */
  public int word1() {
    return word1;
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
