package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.CapPage;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.Page;
import jackal.kernel.sched.Transaction;

/**
 * Address translation (the reference's memwalk): from a space capability and an address to a Page
 * or CapPage and an offset in it, accumulating restrictions along the path.
 *
 * <p>Each step checks the capability's guard ({@code match << l2g} must equal the address bits at
 * and above l2g, which are then removed), then: a GPT selects slot {@code a >> l2v} (only slots 0-7
 * when its bg bit is set), and only a GPT whose slot exists joins the path; a Page or CapPage ends
 * the walk; a LocalWindow continues at a slot of the last GPT and a background Window at slot 14 of
 * the last GPT with bg set, each with its offset OR-ed into the address; Null is an invalid
 * address; anything else is a malformed space. At most {@link #MAX_STEPS} steps are taken, so a
 * cyclic space ends in MalformedSpace.
 *
 * <p>One walker per CPU; its result fields are valid until the next walk.
 */
final class MemWalk {
  static final int MAX_STEPS = 32;

  /** The page reached: a {@link Page} or a {@link CapPage}. */
  KObject leaf;

  /** Offset of the address within {@link #leaf}. */
  long offset;

  /** Restrictions accumulated along the path. */
  int restr;

  // The path, one entry per capability traversed (for finding a memory handler, and for
  // extendedFetch/Store): the object it led to (a GPT, or null for a page or window), the
  // restrictions and the guard's l2g of that capability, and the address left after its guard was
  // removed. A GPT is entered only once its slot is known to exist.
  final Gpt[] pathGpt = new Gpt[MAX_STEPS];
  final int[] pathRestr = new int[MAX_STEPS];
  final int[] pathL2g = new int[MAX_STEPS];
  final long[] pathAddr = new long[MAX_STEPS];
  final boolean[] pathWindow = new boolean[MAX_STEPS];
  int depth;

  /**
   * Walks {@code space} for {@code addr}. Returns 0 on success, or the fault code: AccessViolation
   * for a write through RO or WK (reported ahead of any other failure), InvalidDataReference or
   * InvalidCapReference for an address that leads nowhere, MalformedSpace, or the access type
   * errors when the page is of the wrong kind.
   */
  int walk(
      Machine m,
      Transaction txn,
      Capability space,
      long addr,
      boolean forWrite,
      boolean capAccess) {
    leaf = null;
    offset = 0;
    restr = 0;
    depth = 0;
    runGpt = null;
    int invalid = capAccess ? FaultCode.INVALID_CAP_REFERENCE : FaultCode.INVALID_DATA_REFERENCE;
    Gpt lastGpt = null;
    Gpt bgGpt = null;
    Capability c = space;
    long a = addr;
    // The run state: the lowest guard or slot boundary so far (address bits below it reach the
    // current step unchanged), whether a window was passed, and the GPT whose slot c came from.
    int cut = 64;
    boolean window = false;
    Gpt from = null;
    int fromCut = 64;
    int fromRestr = 0;
    for (int step = 0; step < MAX_STEPS; step++) {
      c = m.prepare(txn, c);
      int type = c.type;
      if (type == CapType.NULL) {
        return fail(forWrite, invalid);
      }
      if (!isMemoryType(type)) {
        return fail(forWrite, FaultCode.MALFORMED_SPACE);
      }
      int l2g = c.word1() & 0x7F;
      long match = (c.word1() >>> 8) & 0xFF_FFFFL;
      long guard = l2g >= 64 ? 0 : match << l2g;
      long high = l2g >= 64 ? 0 : a & -(1L << l2g);
      if (high != guard) {
        return fail(forWrite, invalid);
      }
      a ^= guard;
      if (l2g < cut) {
        cut = l2g;
      }
      if (type == CapType.GPT) {
        Gpt g = (Gpt) c.target;
        if (g.bg) {
          bgGpt = g;
        }
        long slot = g.l2v >= 64 ? 0 : a >>> g.l2v;
        int addressable = g.bg ? Gpt.SLOTS / 2 : Gpt.SLOTS;
        if (Long.compareUnsigned(slot, addressable) >= 0) {
          // Not entered on the path: its handler is not offered the fault, and its restrictions
          // do not count (kern_MemWalk.c records a GPT only after its slot check).
          return fail(forWrite, invalid);
        }
        enter(c.restr, l2g, a, g, false);
        from = g;
        fromCut = cut;
        fromRestr = restr;
        if (g.l2v < 64) {
          a -= slot << g.l2v;
          if (g.l2v < cut) {
            cut = g.l2v;
          }
        }
        lastGpt = g;
        c = g.slots[(int) slot];
        continue;
      }
      Gpt slotOf = from;
      from = null;
      enter(c.restr, l2g, a, null, type == CapType.WINDOW || type == CapType.LOCAL_WINDOW);
      switch (type) {
        case CapType.PAGE, CapType.CAP_PAGE -> {
          if (Long.compareUnsigned(a, Page.SIZE) >= 0) {
            return fail(forWrite, invalid);
          }
          leaf = c.target;
          offset = a;
          if (forWrite && (restr & (Restr.READ_ONLY | Restr.WEAK)) != 0) {
            return FaultCode.ACCESS_VIOLATION;
          }
          if (capAccess && type == CapType.PAGE) {
            return FaultCode.CAP_ACCESS_TYPE_ERROR;
          }
          if (!capAccess && type == CapType.CAP_PAGE) {
            return FaultCode.DATA_ACCESS_TYPE_ERROR;
          }
          if (forWrite && !capAccess) {
            ((Page) leaf).noteWrite(); // the caller stores next (Gate's cache counts for itself)
          }
          if (slotOf != null && !window && !capAccess) {
            runGpt = slotOf;
            runCut = fromCut;
            runAddr = addr;
            runRestr = fromRestr;
          }
          return 0;
        }
        case CapType.LOCAL_WINDOW -> {
          window = true;
          a |= c.oid;
          if (lastGpt == null) {
            return fail(forWrite, FaultCode.MALFORMED_SPACE);
          }
          Capability next = lastGpt.slots[(int) (c.allocCount & (Gpt.SLOTS - 1))];
          if (next.type == CapType.WINDOW || next.type == CapType.LOCAL_WINDOW) {
            return fail(forWrite, FaultCode.MALFORMED_SPACE);
          }
          c = next;
        }
        default -> { // background window
          window = true;
          a |= c.oid;
          if (bgGpt == null) {
            return fail(forWrite, FaultCode.MALFORMED_SPACE);
          }
          Capability next = bgGpt.slots[Gpt.BACKGROUND_SLOT];
          if (next.type == CapType.WINDOW || next.type == CapType.LOCAL_WINDOW) {
            return fail(forWrite, FaultCode.MALFORMED_SPACE);
          }
          lastGpt = bgGpt;
          c = next;
        }
      }
    }
    return fail(forWrite, FaultCode.MALFORMED_SPACE);
  }

  // The run of the last successful data walk: the GPT whose slot held the page (the page's
  // capability sat directly in it, no window on the path), the lowest boundary above it (address
  // bits below it passed every step above the page unchanged), the address walked, and the
  // restrictions accumulated down to that GPT. Null when the last walk failed or cannot be
  // continued.
  private Gpt runGpt;
  private int runCut;
  private long runAddr;
  private int runRestr;

  /**
   * Walks {@code addr}, a later address of the same range as the last successful data walk, taking
   * only the last step when it lies under the same GPT: the steps above are the same ones (the
   * address bits they decide on are unchanged, and this transaction still holds their locks), so
   * only the slot and the page's own capability are looked at. Anything the short step does not
   * handle plainly (another GPT, a capability that is not a data page, a guard mismatch, a write
   * through a read-only path) takes the full {@link #walk}, which also finds the fault and its
   * path. Same result as {@link #walk} with {@code capAccess} false; the path arrays then describe
   * the last full walk, so only a failure (always a full walk) may be asked for its handler.
   */
  int walkNext(Machine m, Transaction txn, Capability space, long addr, boolean forWrite) {
    Gpt g = runGpt;
    int cutBits = runCut;
    if (g == null
        || g.l2v >= cutBits
        || (cutBits < 64 && (addr >>> cutBits) != (runAddr >>> cutBits))) {
      return walk(m, txn, space, addr, forWrite, false);
    }
    long a = cutBits < 64 ? addr & ((1L << cutBits) - 1) : addr;
    long slot = a >>> g.l2v;
    if (slot >= (g.bg ? Gpt.SLOTS / 2 : Gpt.SLOTS)) {
      return walk(m, txn, space, addr, forWrite, false);
    }
    a -= slot << g.l2v;
    Capability c = m.prepare(txn, g.slots[(int) slot]);
    int l2g = c.word1() & 0x7F;
    long match = (c.word1() >>> 8) & 0xFF_FFFFL;
    int r = runRestr | c.restr;
    if (c.type != CapType.PAGE
        || l2g >= 64
        || (a & -(1L << l2g)) != match << l2g
        || Long.compareUnsigned(a ^ (match << l2g), Page.SIZE) >= 0
        || (forWrite && (r & (Restr.READ_ONLY | Restr.WEAK)) != 0)) {
      return walk(m, txn, space, addr, forWrite, false);
    }
    leaf = c.target;
    offset = a ^ (match << l2g);
    restr = r;
    runAddr = addr;
    if (forWrite) {
      ((Page) leaf).noteWrite(); // the caller stores next, as after a full walk for a store
    }
    return 0;
  }

  /**
   * The GPT whose memory handler gets a fault of code {@code fc} on the path just walked: the
   * deepest GPT with its handler bit set, looking no deeper than a no-call capability, a page, or
   * (for an access violation) the first read-only or weak capability; windows are passed over. Null
   * if there is none. {@link #handlerAddress} then holds the faulting address relative to that GPT.
   */
  Gpt handlerGpt(int fc) {
    Gpt kept = null;
    for (int i = 0; i < depth; i++) {
      int r = pathRestr[i];
      if ((r & Restr.NO_CALL) != 0) {
        break;
      }
      if (fc == FaultCode.ACCESS_VIOLATION && (r & (Restr.READ_ONLY | Restr.WEAK)) != 0) {
        break;
      }
      if (pathWindow[i]) {
        continue;
      }
      Gpt g = pathGpt[i];
      if (g == null) {
        break; // a page: nothing below it
      }
      if (g.ha) {
        kept = g;
        handlerAddress = pathAddr[i];
      }
    }
    return kept;
  }

  /** See {@link #handlerGpt}. */
  long handlerAddress;

  /** Adds a capability traversed to the path; its restrictions now count. */
  private void enter(int capRestr, int l2g, long addr, Gpt gpt, boolean window) {
    restr |= capRestr;
    pathRestr[depth] = capRestr;
    pathL2g[depth] = l2g;
    pathAddr[depth] = addr;
    pathGpt[depth] = gpt;
    pathWindow[depth] = window;
    depth++;
  }

  private int fail(boolean forWrite, int code) {
    leaf = null;
    runGpt = null;
    if (forWrite && (restr & (Restr.READ_ONLY | Restr.WEAK)) != 0) {
      return FaultCode.ACCESS_VIOLATION;
    }
    return code;
  }

  private static boolean isMemoryType(int type) {
    return type == CapType.GPT
        || type == CapType.PAGE
        || type == CapType.CAP_PAGE
        || type == CapType.WINDOW
        || type == CapType.LOCAL_WINDOW;
  }
}
