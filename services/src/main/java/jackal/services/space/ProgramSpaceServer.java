package jackal.services.space;

import static jackal.services.space.ProgramLayout.DATA_BASE;
import static jackal.services.space.ProgramLayout.DATA_LIMIT;
import static jackal.services.space.ProgramLayout.HEAP_BASE;
import static jackal.services.space.ProgramLayout.PAGE_SIZE;

import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.CapRequestErrorException;
import jackal.services.idl.coyotos.ElfSpaceNoSpaceException;
import jackal.services.idl.coyotos.ElfSpaceServer;
import jackal.services.idl.coyotos.ElfSpaceSkeleton;

/**
 * The counterpart of Coyotos's ElfSpace for Jackal programs: the program's image (a program space,
 * in {@link SpaceServer#BACKGROUND}) read-only and shared, and a data region {@code [DATA_BASE,
 * break)} that grows on demand: a store to the image's data pages gets a private copy, any other
 * access in the region a zero page, both from the bank in SPACEBANK. Faults anywhere else (page 0,
 * past the break, the code) go to the process handler. See {@link ProgramLayout}.
 *
 * <p>{@code setBreak} moves the break up, never down (RequestError), and raises NoSpace past the
 * data region's end or when the bank has not the pages to back the whole heap (pages are still
 * taken only when touched: the check is against the bank's room when the break moves).
 */
final class ProgramSpaceServer extends SpaceServer implements ElfSpaceServer {
  private long brk = HEAP_BASE;

  /** Pages at or above HEAP_BASE that repairs have backed: the heap's pages already paid for. */
  private long heapPagesBacked;

  ProgramSpaceServer(SystemCalls sys) {
    super(sys);
  }

  @Override
  boolean handles(int fc, long addr) {
    boolean data = fc == FaultCode.INVALID_DATA_REFERENCE || fc == FaultCode.ACCESS_VIOLATION;
    return data && addr >= DATA_BASE && addr < brk;
  }

  @Override
  void repaired(long addr, long pages) {
    if (addr >= HEAP_BASE) {
      heapPagesBacked += pages;
    }
  }

  @Override
  ServerLoop.Handler spaceFacet() {
    return new ElfSpaceSkeleton(this);
  }

  @Override
  public long getSpace() {
    return opaqueRoot();
  }

  @Override
  public void setBreak(long newBreak) throws KernelException {
    if (Long.compareUnsigned(newBreak, brk) < 0) {
      throw new CapRequestErrorException();
    }
    if (Long.compareUnsigned(newBreak, DATA_LIMIT) > 0) {
      throw new ElfSpaceNoSpaceException();
    }
    long heapPages = (newBreak - HEAP_BASE + PAGE_SIZE - 1) / PAGE_SIZE;
    long needed = heapPages - heapPagesBacked;
    if (needed > 0 && Long.compareUnsigned(needed, room()) > 0) {
      throw new ElfSpaceNoSpaceException();
    }
    brk = newBreak;
  }

  /**
   * Pages the bank can still give (unsigned: an unlimited bank has nearly 2^64): the room its
   * limits and its ancestors' leave. A bank capability that may not query its limits gives no
   * answer, and the break is then not checked against it.
   */
  private long room() throws KernelException {
    try {
      long effective = bank.getEffectiveLimits(BANK).byType()[Codes.OT_PAGE];
      long used = bank.getUsage(BANK).byType()[Codes.OT_PAGE];
      return effective - used;
    } catch (KernelException e) {
      if (e.code() == Codes.RC_NO_ACCESS) {
        return -1L;
      }
      throw e;
    }
  }
}
