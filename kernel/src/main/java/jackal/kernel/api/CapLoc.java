package jackal.kernel.api;

/**
 * Capability locations ({@code caploc_t}): a capability register number, or an address in the
 * process's own space with the low bit set (capability addresses are 16-byte aligned).
 */
public final class CapLoc {
  private CapLoc() {}

  /** Number of capability registers. Register 0 always reads as Null. */
  public static final int NUM_REGS = 32;

  public static long reg(int r) {
    return (long) r << 1;
  }

  public static long mem(long address) {
    return address | 1L;
  }

  public static boolean isMemory(long loc) {
    return (loc & 1L) != 0;
  }

  /** The register number or the address this location names. */
  public static long location(long loc) {
    return isMemory(loc) ? (loc & ~1L) : (loc >>> 1);
  }
}
