package jackal.services.space;

import static jackal.services.space.ProgramLayout.HEAP_BASE;

import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.ElfSpaceClient;

/**
 * The program side of a data region: {@code sbrk} and a bump {@code malloc} over the break, for
 * programs that keep data in their address space (reached with {@code SystemCalls.loadByte}, {@code
 * storeInt}, {@code read} and {@code write}) rather than on their JVM heap. Nothing is ever freed.
 * Over a program space the break moves through {@code ElfSpace.setBreak}, and a bank out of pages
 * makes {@code malloc} answer 0; over a virtual copy space every address is backed on demand and
 * only the 64-bit range limits it.
 *
 * <p>Like the rest of a program's runtime, a region belongs to one process.
 */
public final class DataRegion {
  private static final int ALIGN = 16;

  private final ElfSpaceClient space;
  private final long facet;
  private long brk = HEAP_BASE;

  private DataRegion(ElfSpaceClient space, long facet) {
    this.space = space;
    this.facet = facet;
  }

  /** A region grown through the ElfSpace facet at capability location {@code facet}. */
  public static DataRegion overProgramSpace(ElfSpaceClient space, long facet) {
    return new DataRegion(space, facet);
  }

  /** A region in a virtual copy space: the break moves with no one to ask. */
  public static DataRegion overVirtualCopy() {
    return new DataRegion(null, 0);
  }

  /** The current break: the end of the region. */
  public long brk() {
    return brk;
  }

  /**
   * Moves the break up by {@code increment} bytes (0: asks where it is); returns the old break, or
   * -1 if the space or its bank has no room (the break then stays).
   */
  public long sbrk(long increment) {
    if (increment < 0) {
      throw new IllegalArgumentException("the break only grows: " + increment);
    }
    long old = brk;
    if (increment == 0) {
      return old;
    }
    long next = old + increment;
    if (Long.compareUnsigned(next, old) < 0) {
      return -1; // past the top of the 64-bit space
    }
    if (space != null) {
      try {
        space.setBreak(facet, next);
      } catch (KernelException e) {
        return -1;
      }
    }
    brk = next;
    return old;
  }

  /** The address of {@code bytes} fresh bytes (zero until written), or 0 if there is no room. */
  public long malloc(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative size " + bytes);
    }
    long size = (bytes + ALIGN - 1) & -ALIGN;
    if (size < bytes) {
      return 0; // no space is that large
    }
    long at = sbrk(size);
    return at < 0 ? 0 : at;
  }
}
