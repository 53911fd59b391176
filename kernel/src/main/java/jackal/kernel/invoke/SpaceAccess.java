package jackal.kernel.invoke;

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

  /**
   * Returns how many bytes from {@code addr} can be accessed, up to {@code len}; if fewer, {@code
   * why} says where and why access stops.
   */
  static int accessible(
      Invocation inv, Capability space, long addr, int len, boolean forWrite, Failure why) {
    int done = 0;
    while (done < len) {
      long a = addr + done;
      int fc = inv.walk.walk(inv.machine, inv.txn, space, a, forWrite, false);
      if (fc != 0) {
        why.code = fc;
        why.address = a;
        return done;
      }
      done += (int) Math.min(len - done, Page.SIZE - (a & (Page.SIZE - 1)));
    }
    return len;
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

  /** Copies {@code src} into a space; the range was found writable in this transaction. */
  static void write(Invocation inv, Capability space, long addr, byte[] src, int off, int len) {
    int done = 0;
    while (done < len) {
      long a = addr + done;
      inv.walk.walk(inv.machine, inv.txn, space, a, true, false);
      int n = (int) Math.min(len - done, Page.SIZE - inv.walk.offset);
      System.arraycopy(src, off + done, ((Page) inv.walk.leaf).bytes, (int) inv.walk.offset, n);
      done += n;
    }
  }

  /** Copies between two spaces; both ranges were found accessible in this transaction. */
  static void copy(
      Invocation inv, Capability from, long fromAddr, Capability to, long toAddr, int len) {
    int done = 0;
    while (done < len) {
      inv.walk.walk(inv.machine, inv.txn, from, fromAddr + done, false, false);
      Page src = (Page) inv.walk.leaf;
      int srcOff = (int) inv.walk.offset;
      inv.walk.walk(inv.machine, inv.txn, to, toAddr + done, true, false);
      Page dst = (Page) inv.walk.leaf;
      int dstOff = (int) inv.walk.offset;
      int n = Math.min(len - done, Math.min(Page.SIZE - srcOff, Page.SIZE - dstOff));
      System.arraycopy(src.bytes, srcOff, dst.bytes, dstOff, n);
      done += n;
    }
  }
}
