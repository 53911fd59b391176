package jackal.services.space;

/**
 * Where things are in a program's space served by a {@link ProgramSpaceProgram program space
 * server}: the layout of {@code Kernel.newProgramSpace} (data pages from 0, the image header and
 * code segments from 4 GiB up) with the data region's conventions on top.
 */
public final class ProgramLayout {
  private ProgramLayout() {}

  public static final int PAGE_SIZE = 4096;

  /**
   * The first address the data region covers. Page 0 is never repaired, so that a store through a
   * null address is a fault its process handler hears of.
   */
  public static final long DATA_BASE = PAGE_SIZE;

  /**
   * The initial break, where the heap starts: above the most data pages an image can have (4096),
   * so the image's data, and the zero pages after it, are in the region from the start.
   */
  public static final long HEAP_BASE = 16L << 20;

  /** The data region ends where the image's header and code begin (slot 1 of its top GPT). */
  public static final long DATA_LIMIT = 1L << 32;

  /** The PC of a program space built this way: the address of its image header. */
  public static final long PC = DATA_LIMIT;
}
