package jackal.kernel.load.capture;

import java.util.Arrays;
import java.util.Objects;

/**
 * One method's saved Java frame: which method, which of its capturable call sites it was in, and
 * its live locals by slot (the operand stack at the call is saved in locals the transform adds). A
 * primitive is kept as its 64 raw bits in {@link #prims}, a reference in {@link #refs}; a slot
 * holds one or the other.
 */
public final class Frame {
  private final String method;
  private final int site;
  private final long[] prims;
  private final Object[] refs;

  public Frame(String method, int site, long[] prims, Object[] refs) {
    if (prims.length != refs.length) {
      throw new IllegalArgumentException("prims and refs differ in length");
    }
    this.method = Objects.requireNonNull(method);
    this.site = site;
    this.prims = prims;
    this.refs = refs;
  }

  long[] prims() {
    return prims;
  }

  Object[] refs() {
    return refs;
  }

  /** {@code owner.name+descriptor} of the method. */
  public String method() {
    return method;
  }

  /** The capturable call site the method was in (0 for its first). */
  public int site() {
    return site;
  }

  public int slots() {
    return prims.length;
  }

  /** The raw bits of primitive slot {@code slot} (0 where a reference or nothing is kept). */
  public long prim(int slot) {
    return prims[slot];
  }

  public Object ref(int slot) {
    return refs[slot];
  }

  // Called by transformed code.

  public void putInt(int slot, int v) {
    prims[slot] = v;
  }

  public void putFloat(int slot, float v) {
    prims[slot] = Float.floatToRawIntBits(v);
  }

  public void putLong(int slot, long v) {
    prims[slot] = v;
  }

  public void putDouble(int slot, double v) {
    prims[slot] = Double.doubleToRawLongBits(v);
  }

  public void putRef(int slot, Object v) {
    refs[slot] = v;
  }

  public int getInt(int slot) {
    return (int) prims[slot];
  }

  public float getFloat(int slot) {
    return Float.intBitsToFloat((int) prims[slot]);
  }

  public long getLong(int slot) {
    return prims[slot];
  }

  public double getDouble(int slot) {
    return Double.longBitsToDouble(prims[slot]);
  }

  public Object getRef(int slot) {
    return refs[slot];
  }

  @Override
  public String toString() {
    return method + "@" + site + Arrays.toString(prims) + Arrays.toString(refs);
  }
}
