package jackal.services.bank;

import jackal.kernel.api.Codes;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Guards;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.GPTClient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bank tree as the bank keeps it now, written into the bank's own pages at {@link
 * SpaceBankProgram#LIVE} so that whoever can read the bank's memory (the kernel's system view, for
 * {@code jackal run --dump} and the inspector) sees the banks, their limits and usage and what each
 * owns as they are, not as the image left them. The bank process only writes it; nothing reads it
 * back.
 *
 * <p>Little-endian words: {@link SpaceBankProgram#LIVE_MAGIC}; a generation, odd while the bank is
 * changing the tree (a reader retries until it reads the same even generation before and after);
 * the number of object records, of bank records, and of live objects left out for want of room.
 * Object records (type, OID, bank record number; type -1 for a free record) grow from {@link
 * #HEADER} up; bank records (endpoint OID, or -1 for a free record; parent's record number, -1 for
 * the prime bank; five limits; five usage counts) grow from the region's end down. Pages and the
 * GPTs that map them are taken from Range on demand, as the records reach them; they belong to no
 * bank.
 */
final class LiveTree {
  static final int PAGE = 4096;

  /** The region's pages: 16 leaf GPTs of 16 pages under the root the image built. */
  static final int PAGES = SpaceBankProgram.LIVE_PAGES;

  static final long SIZE = (long) PAGES * PAGE;
  static final long HEADER = 40;
  static final int OBJECT_BYTES = 3 * 8;
  static final int BANK_BYTES = (2 + 2 * Bank.TYPES) * 8;

  private static final long AT = SpaceBankProgram.LIVE;
  private static final int LEAF_SLOTS = 16;

  /** Takes a fresh object of a type for the bank's own use, its capability in a register. */
  @FunctionalInterface
  interface Materializer {
    void take(int type, int into) throws KernelException;
  }

  private final SystemCalls sys;
  private final GPTClient gpt;
  private final Materializer materializer;
  private final boolean[] pageMapped = new boolean[PAGES];
  private final boolean[] leafMapped = new boolean[PAGES / LEAF_SLOTS];
  private final List<Map<Long, Integer>> objectRecord = new ArrayList<>(Bank.TYPES);
  private final ArrayDeque<Integer> freeObjects = new ArrayDeque<>();
  private final ArrayDeque<Integer> freeBanks = new ArrayDeque<>();
  private int objects;
  private int banks;
  private long unlisted;
  private long generation;

  /** False once the region could not be mapped at all: the bank then serves without it. */
  private boolean usable = true;

  LiveTree(SystemCalls sys, GPTClient gpt, Materializer materializer) {
    this.sys = sys;
    this.gpt = gpt;
    this.materializer = materializer;
    for (int t = 0; t < Bank.TYPES; t++) {
      objectRecord.add(new HashMap<>());
    }
  }

  /** Starts a change: a reader that sees it retries. */
  void begin() {
    if (usable && map(0)) {
      put(8, ++generation);
    }
  }

  /** Ends a change, with the counts in the header. */
  void end() {
    if (usable && map(0)) {
      put(0, SpaceBankProgram.LIVE_MAGIC);
      put(16, objects);
      put(24, banks);
      put(32, unlisted);
      put(8, ++generation);
    }
  }

  /** Writes bank {@code b}'s record (giving it one if it has none): its parent, limits, usage. */
  void bank(Bank b) {
    if (!usable) {
      return;
    }
    if (b.liveRecord < 0) {
      Integer r = freeBanks.poll();
      if (r == null) {
        if (!room(banks + 1, objects)) {
          return; // the bank is left out; its objects are counted as unlisted
        }
        r = banks++;
      }
      b.liveRecord = r;
    }
    long at = bankAt(b.liveRecord);
    if (!map(at) || !map(at + BANK_BYTES - 1)) {
      return;
    }
    put(at, b.endpointOid);
    put(at + 8, b.parent == null ? -1 : b.parent.liveRecord);
    for (int t = 0; t < Bank.TYPES; t++) {
      put(at + 16 + 8L * t, b.limits[t]);
      put(at + 16 + 8L * (Bank.TYPES + t), b.usage[t]);
    }
  }

  /** Writes the records of {@code b} and every bank above it (their usage changed). */
  void bankAndAncestors(Bank b) {
    for (Bank x = b; x != null; x = x.parent) {
      bank(x);
    }
  }

  /** Frees bank {@code b}'s record (the bank is gone). */
  void bankGone(Bank b) {
    if (!usable || b.liveRecord < 0) {
      return;
    }
    long at = bankAt(b.liveRecord);
    if (map(at)) {
      put(at, -1);
    }
    freeBanks.push(b.liveRecord);
    b.liveRecord = -1;
  }

  /** Records that bank {@code b} owns object {@code oid} of type {@code t}. */
  void owned(int t, long oid, Bank b) {
    if (!usable) {
      return;
    }
    Integer r = objectRecord.get(t).get(oid);
    if (b.liveRecord < 0) {
      if (r != null) {
        gone(t, oid);
      }
      unlisted++;
      return;
    }
    if (r == null) {
      r = freeObjects.poll();
      if (r == null) {
        if (!room(banks, objects + 1)) {
          unlisted++;
          return;
        }
        r = objects++;
      }
      objectRecord.get(t).put(oid, r);
    }
    long at = HEADER + (long) r * OBJECT_BYTES;
    if (!map(at) || !map(at + OBJECT_BYTES - 1)) {
      unlisted++;
      return;
    }
    put(at, t);
    put(at + 8, oid);
    put(at + 16, b.liveRecord);
  }

  /** Forgets object {@code oid} of type {@code t} (freed or destroyed). */
  void gone(int t, long oid) {
    if (!usable) {
      return;
    }
    Integer r = objectRecord.get(t).remove(oid);
    if (r == null) {
      if (unlisted > 0) {
        unlisted--;
      }
      return;
    }
    put(HEADER + (long) r * OBJECT_BYTES, -1);
    freeObjects.push(r);
  }

  /** Stores {@code v} at region offset {@code off} (its page mapped). */
  private void put(long off, long v) {
    sys.storeLong(AT + off, v);
  }

  private static long bankAt(int record) {
    return SIZE - (long) (record + 1) * BANK_BYTES;
  }

  /** True if that many object and bank records fit the region without meeting. */
  private static boolean room(int nBanks, int nObjects) {
    return HEADER + (long) nObjects * OBJECT_BYTES <= SIZE - (long) nBanks * BANK_BYTES;
  }

  /**
   * Maps the page holding region offset {@code off}, taking a leaf GPT and a page from Range if
   * needed. False (and nothing written there) if Range has none left.
   */
  private boolean map(long off) {
    int page = (int) (off / PAGE);
    if (pageMapped[page]) {
      return true;
    }
    int leaf = page / LEAF_SLOTS;
    try {
      if (!leafMapped[leaf]) {
        materializer.take(Codes.OT_GPT, WORK);
        gpt.setl2v(loc(WORK), 12);
        gpt.guardedSetSlot(loc(SpaceBankProgram.LIVE_ROOT), leaf, loc(WORK), Guards.of(0, 16));
        leafMapped[leaf] = true;
      }
      gpt.getSlot(loc(SpaceBankProgram.LIVE_ROOT), leaf, loc(LEAF));
      materializer.take(Codes.OT_PAGE, WORK);
      gpt.guardedSetSlot(loc(LEAF), page % LEAF_SLOTS, loc(WORK), Guards.of(0, 12));
      pageMapped[page] = true;
      return true;
    } catch (KernelException e) {
      if (page == 0) {
        usable = false; // not even the header: the region is not there (an old image's bank)
      }
      return false;
    }
  }

  private static final int WORK = CapReg.APP0 + 7;
  private static final int LEAF = CapReg.APP0 + 8;

  private static long loc(int reg) {
    return CapReg.loc(reg);
  }
}
