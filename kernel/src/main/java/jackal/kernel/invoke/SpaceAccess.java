package jackal.kernel.invoke;

import jackal.kernel.api.Syscall;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.Page;

/**
 * Byte ranges in an address space, a page at a time: checking that a range can be read or written
 * (before the commit point, which also locks every page on the way), and copying (after it, when
 * nothing can fail).
 */
final class SpaceAccess {
  private SpaceAccess() {}

  /** Fault code of the first failing page of a check, and its address. */
  static final class Failure {
    int code;
    long address;
  }

  /** Enough page slots for any string: 64 KiB starting anywhere in a page spans 17 pages. */
  static final int MAX_PAGES = Syscall.MAX_SNDLEN / Page.SIZE + 1;

  /**
   * Returns how many bytes from {@code addr} can be accessed, up to {@code len}; if fewer, {@code
   * why} says where and why access stops. When {@code pages} is not null, the page holding each
   * page-sized piece of the range is recorded there in order, for {@link #copy}.
   */
  static int accessible(
      Invocation inv,
      Capability space,
      long addr,
      int len,
      boolean forWrite,
      Failure why,
      Page[] pages) {
    int done = 0;
    int piece = 0;
    MemWalk w = inv.walk;
    while (done < len) {
      long a = addr + done;
      // The first page is a full walk; each next one takes the last step only, while the range
      // stays under the same GPT (a leaf GPT maps a run of pages).
      int fc =
          done == 0
              ? w.walk(inv.machine, inv.txn, space, a, forWrite, false)
              : w.walkNext(inv.machine, inv.txn, space, a, forWrite);
      if (fc != 0) {
        why.code = fc;
        why.address = a;
        return done;
      }
      if (pages != null) {
        pages[piece++] = (Page) w.leaf;
      }
      done += (int) Math.min(len - done, Page.SIZE - (a & (Page.SIZE - 1)));
    }
    return len;
  }

  /** As {@link #accessible(Invocation, Capability, long, int, boolean, Failure, Page[])}. */
  static int accessible(
      Invocation inv, Capability space, long addr, int len, boolean forWrite, Failure why) {
    return accessible(inv, space, addr, len, forWrite, why, null);
  }

  /** Copies out of a space into {@code dst}; the range was found accessible in this transaction. */
  static void read(Invocation inv, Capability space, long addr, byte[] dst, int off, int len) {
    int done = 0;
    while (done < len) {
      long a = addr + done;
      inv.walk.walk(inv.machine, inv.txn, space, a, false, false);
      int n = (int) Math.min(len - done, Page.SIZE - inv.walk.offset);
      System.arraycopy(((Page) inv.walk.leaf).bytes, (int) inv.walk.offset, dst, off + done, n);
      done += n;
    }
  }

  /**
   * Copies {@code len} bytes between two ranges whose pages {@link #accessible} recorded in this
   * transaction ({@code from} for the range at {@code fromAddr}, {@code to} for {@code toAddr}),
   * without walking the spaces again.
   */
  static void copy(Page[] from, long fromAddr, Page[] to, long toAddr, int len) {
    int done = 0;
    while (done < len) {
      long a = fromAddr + done;
      long b = toAddr + done;
      int srcOff = (int) (a & (Page.SIZE - 1));
      int dstOff = (int) (b & (Page.SIZE - 1));
      Page src = from[(int) ((a >>> Page.SIZE_BITS) - (fromAddr >>> Page.SIZE_BITS))];
      Page dst = to[(int) ((b >>> Page.SIZE_BITS) - (toAddr >>> Page.SIZE_BITS))];
      int n = Math.min(len - done, Math.min(Page.SIZE - srcOff, Page.SIZE - dstOff));
      System.arraycopy(src.bytes, srcOff, dst.bytes, dstOff, n);
      done += n;
    }
  }
}
