package jackal.kernel.cap;

/**
 * How the 84 bits that name an object in a capability are split between the OID and the allocation
 * count.
 *
 * <p>The 16-byte capability has 20 count bits in word 0 and 64 bits in words 2-3. Coyotos (2007)
 * gives all 64 to the OID, so the count wraps after 2^20 rescinds. The wide layout takes the top 24
 * bits of words 2-3 for the count, leaving a 40-bit OID (10^12 objects of each type) and a 44-bit
 * count that a rescind every microsecond would take half a year to exhaust.
 */
public enum OidLayout {
  /** Coyotos as of 2007: 64-bit OID, 20-bit allocation count. */
  COYOTOS_2007("coyotos-2007", 64, 20),
  /** The default: 40-bit OID, 44-bit allocation count. */
  WIDE("wide", 40, 44);

  /** The name used in settings. */
  public final String settingName;

  public final int oidBits;
  public final int countBits;

  /** The largest OID this layout can name. */
  public final long maxOid;

  /** The largest allocation count; a rescind past it retires the OID. */
  public final long maxCount;

  OidLayout(String settingName, int oidBits, int countBits) {
    this.settingName = settingName;
    this.oidBits = oidBits;
    this.countBits = countBits;
    this.maxOid = oidBits == 64 ? -1L : (1L << oidBits) - 1;
    this.maxCount = (1L << countBits) - 1;
  }

  /** True if {@code oid} fits this layout (unsigned comparison). */
  public boolean fitsOid(long oid) {
    return Long.compareUnsigned(oid, maxOid) <= 0;
  }

  /** The layout a setting names, or an exception listing the valid names. */
  public static OidLayout fromSetting(String name) {
    for (OidLayout l : values()) {
      if (l.settingName.equals(name)) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "unknown OID layout '" + name + "' (expected coyotos-2007 or wide)");
  }
}
