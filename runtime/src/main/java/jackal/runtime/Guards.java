package jackal.runtime;

/**
 * The guard word of the memory interfaces (Memory.setGuard, AddressSpace.guardedSetSlot and
 * extendedStore, GPT.makeLocalWindow and makeBackgroundWindow): the match value above the 8-bit
 * log2 of the guarded size.
 */
public final class Guards {
  private Guards() {}

  /** The guard matching {@code match} over a region of {@code 2^l2g} bytes. */
  public static int of(int match, int l2g) {
    return match << 8 | l2g;
  }
}
