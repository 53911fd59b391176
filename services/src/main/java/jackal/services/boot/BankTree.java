package jackal.services.boot;

import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.SystemView;
import jackal.kernel.boot.SystemView.BankView;
import jackal.kernel.boot.SystemView.CapView;
import jackal.kernel.boot.SystemView.GptView;
import jackal.kernel.boot.SystemView.ProcessView;
import jackal.kernel.boot.SystemView.SlotView;
import jackal.services.bank.SpaceBankProgram;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bank tree of a {@link SystemView}, read from the space bank's manifest: the pages {@link
 * PrimeBank#preload} maps at {@link SpaceBankProgram#MANIFEST} in the bank process's space, through
 * which an image hands the bank its sub-banks (with their limits) and the objects each owns. The
 * kernel does not know banks (they are endpoints of an ordinary process); this reads the bank's own
 * pages, found by translating the manifest's address through the bank process's space as the
 * kernel's address translation does, and leaves the kernel's view as it is otherwise.
 *
 * <p>Once the bank runs it writes the tree as it is now into its live region ({@link
 * SpaceBankProgram#LIVE}: banks, limits, usage and who owns what, changed with every allocation,
 * free, new bank, limit and destroy), and that is what this reads; before (jackal image show, or a
 * view taken before the bank first ran) it reads the manifest, the tree the image gave the bank.
 */
public final class BankTree {
  private BankTree() {}

  private static final int TYPES = SystemView.OBJECT_TYPES.size();
  private static final int ENDPOINT = 4;
  private static final long MAX_WORDS = 256 * 4096 / 8;

  /** {@code view} with the bank tree of its space bank, or {@code view} itself if it has none. */
  public static SystemView attach(Kernel k, SystemView view) {
    for (ProcessView p : view.processes()) {
      CapView range = slot(p.slots(), "reg " + SpaceBankProgram.RANGE);
      CapView prime = slot(p.slots(), "reg " + SpaceBankProgram.PRIME_ENDPOINT);
      CapView space = slot(p.slots(), "space");
      if (range != null
          && range.type().equals("Range")
          && prime != null
          && prime.type().equals("Endpoint")
          && space != null) {
        return view.withBanks(banks(k, view, space, prime.targetOid()));
      }
    }
    return view;
  }

  /** How often a read of the live tree is retried when the bank changed it meanwhile. */
  private static final int LIVE_TRIES = 20;

  private static List<BankView> banks(Kernel k, SystemView view, CapView space, long primeOid) {
    for (int attempt = 0; attempt < LIVE_TRIES; attempt++) {
      Manifest m = new Manifest(k, view, space);
      long at = SpaceBankProgram.LIVE;
      if (m.word(at) != SpaceBankProgram.LIVE_MAGIC) {
        break; // the bank has not written it yet: the manifest is the tree
      }
      long before = m.word(at + 8);
      if ((before & 1) != 0) {
        Thread.onSpinWait();
        continue;
      }
      List<BankView> live = live(m);
      if (m.word(at + 8) == before && live != null) {
        return live;
      }
      Thread.onSpinWait();
    }
    return manifestBanks(k, view, space, primeOid);
  }

  /**
   * The tree from the live region's records (see the bank's {@code LiveTree}), or null if a record
   * is not as the bank writes them (read while it changed).
   */
  private static List<BankView> live(Manifest m) {
    long at = SpaceBankProgram.LIVE;
    long size = (long) SpaceBankProgram.LIVE_PAGES * 4096;
    long nObjects = m.word(at + 16);
    long nBanks = m.word(at + 24);
    long unlisted = m.word(at + 32);
    int bankBytes = (2 + 2 * TYPES) * 8;
    long header = 40;
    if (nObjects < 0
        || nBanks < 1
        || header + nObjects * 24 > size - nBanks * bankBytes
        || unlisted < 0) {
      return null;
    }
    int n = (int) nBanks;
    long[] oid = new long[n];
    long[] parent = new long[n];
    long[][] limits = new long[n][TYPES];
    long[][] usage = new long[n][TYPES];
    for (int r = 0; r < n; r++) {
      long b = at + size - (long) (r + 1) * bankBytes;
      oid[r] = m.word(b);
      parent[r] = m.word(b + 8);
      for (int t = 0; t < TYPES; t++) {
        limits[r][t] = m.word(b + 16 + 8L * t);
        usage[r][t] = m.word(b + 16 + 8L * (TYPES + t));
      }
    }
    List<List<String>> owned = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      owned.add(new ArrayList<>());
    }
    for (long i = 0; i < nObjects; i++) {
      long o = at + header + 24 * i;
      long t = m.word(o);
      if (t == -1) {
        continue; // a free record
      }
      long bank = m.word(o + 16);
      if (t < 0 || t >= TYPES || bank < 0 || bank >= n || oid[(int) bank] == -1) {
        return null;
      }
      owned.get((int) bank).add(SystemView.OBJECT_TYPES.get((int) t) + "#" + m.word(o + 8));
    }
    if (m.broken) {
      return null;
    }
    if (unlisted > 0) {
      owned.getFirst().add("(" + unlisted + " more objects: the bank's live tree is full)");
    }
    List<List<Integer>> children = new ArrayList<>();
    for (int r = 0; r < n; r++) {
      children.add(new ArrayList<>());
    }
    for (int r = 0; r < n; r++) {
      if (oid[r] == -1) {
        continue;
      }
      long p = parent[r];
      if (p >= n || p < -1 || (p >= 0 && oid[(int) p] == -1) || (p == -1) != (r == 0)) {
        return null;
      }
      if (p >= 0) {
        children.get((int) p).add(r);
      }
    }
    // Parents before their children, each bank's sub-banks in the order they were written.
    List<BankView> out = new ArrayList<>();
    List<Integer> order = new ArrayList<>(List.of(0));
    for (int i = 0; i < order.size() && i < n; i++) {
      int r = order.get(i);
      long p = parent[r];
      out.add(
          new BankView(
              oid[r], p < 0 ? -1 : oid[(int) p], boxed(limits[r]), boxed(usage[r]), owned.get(r)));
      order.addAll(children.get(r));
    }
    return out;
  }

  private static List<BankView> manifestBanks(
      Kernel k, SystemView view, CapView space, long primeOid) {
    Manifest m = new Manifest(k, view, space);
    long at = SpaceBankProgram.MANIFEST;
    List<long[]> banks = new ArrayList<>(); // {endpoint OID, parent number, limits...}
    List<long[]> objects = new ArrayList<>(); // {type, OID, bank number}
    if (m.word(at) == SpaceBankProgram.MANIFEST_MAGIC) {
      // At most what 256 manifest pages hold (PrimeBank's bound); a wrong count ends at the
      // first word that is not mapped.
      long nBanks = Math.min(m.word(at + 8), MAX_WORDS);
      long nObjects = Math.min(m.word(at + 16), MAX_WORDS);
      at += 24;
      for (long i = 0; i < nBanks && !m.broken; i++, at += 16 + 8L * TYPES) {
        long[] b = new long[2 + TYPES];
        for (int w = 0; w < b.length; w++) {
          b[w] = m.word(at + 8L * w);
        }
        banks.add(b);
      }
      for (long i = 0; i < nObjects && !m.broken; i++, at += 24) {
        objects.add(new long[] {m.word(at), m.word(at + 8), m.word(at + 16)});
      }
    }
    if (m.broken) {
      return List.of(); // the manifest is not (or no longer) where the bank was given it
    }
    int n = banks.size() + 1;
    long[] oid = new long[n];
    int[] parent = new int[n];
    long[][] limits = new long[n][TYPES];
    long[][] usage = new long[n][TYPES];
    List<List<String>> owned = new ArrayList<>();
    oid[0] = primeOid;
    parent[0] = -1;
    java.util.Arrays.fill(limits[0], -1L);
    owned.add(new ArrayList<>());
    for (int i = 1; i < n; i++) {
      long[] b = banks.get(i - 1);
      oid[i] = b[0];
      parent[i] = (int) b[1];
      System.arraycopy(b, 2, limits[i], 0, TYPES);
      owned.add(new ArrayList<>());
      if (parent[i] < 0 || parent[i] >= i) {
        return List.of(); // not a manifest PrimeBank.preload wrote: parents come first
      }
      charge(usage, parent, parent[i], ENDPOINT); // a sub-bank's endpoint is its parent's
    }
    for (long[] o : objects) {
      if (o[0] < 0 || o[0] >= TYPES || o[2] < 0 || o[2] >= n) {
        return List.of();
      }
      int t = (int) o[0];
      int b = (int) o[2];
      charge(usage, parent, b, t);
      owned.get(b).add(SystemView.OBJECT_TYPES.get(t) + "#" + o[1]);
    }
    List<BankView> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new BankView(
              oid[i],
              parent[i] < 0 ? -1 : oid[parent[i]],
              boxed(limits[i]),
              boxed(usage[i]),
              owned.get(i)));
    }
    return out;
  }

  /** Charges one object of type {@code t} to bank {@code b} and every bank above it. */
  private static void charge(long[][] usage, int[] parent, int b, int t) {
    for (int x = b; x >= 0; x = parent[x]) {
      usage[x][t]++;
    }
  }

  private static List<Long> boxed(long[] xs) {
    List<Long> out = new ArrayList<>();
    for (long x : xs) {
      out.add(x);
    }
    return out;
  }

  private static CapView slot(List<SlotView> slots, String name) {
    for (SlotView s : slots) {
      if (s.slot().equals(name)) {
        return s.cap();
      }
    }
    return null;
  }

  /** The bank's memory, read word by word through its space (pages fetched once each). */
  private static final class Manifest {
    private final Kernel kernel;
    private final CapView space;
    private final Map<Long, GptView> gpts = new HashMap<>();
    private final Map<Long, ByteBuffer> pages = new HashMap<>();
    boolean broken;

    Manifest(Kernel kernel, SystemView view, CapView space) {
      this.kernel = kernel;
      this.space = space;
      for (GptView g : view.gpts()) {
        gpts.put(g.oid(), g);
      }
    }

    /** The little-endian word at {@code address}, or 0 (and broken) if it is not mapped. */
    long word(long address) {
      long[] at = translate(address);
      if (at == null || at[1] + 8 > 4096) {
        broken = true;
        return 0;
      }
      ByteBuffer page =
          pages.computeIfAbsent(
              at[0],
              oid -> {
                Optional<byte[]> bytes = kernel.pageBytes(oid);
                return bytes.isEmpty()
                    ? null
                    : ByteBuffer.wrap(bytes.get()).order(ByteOrder.LITTLE_ENDIAN);
              });
      if (page == null) {
        broken = true;
        return 0;
      }
      return page.getLong((int) at[1]);
    }

    /**
     * {page OID, offset} that {@code a} reaches through the space, by the kernel's rules for guards
     * and GPT slots (jackal.kernel.invoke.MemWalk), or null. Windows are not followed: the bank's
     * manifest is mapped through GPTs only.
     */
    private long[] translate(long a) {
      CapView c = space;
      for (int step = 0; step < 32 && c != null; step++) {
        int l2g = (int) (c.word() & 0x7F);
        long match = (c.word() >>> 8) & 0xFF_FFFFL;
        long guard = l2g >= 64 ? 0 : match << l2g;
        long high = l2g >= 64 ? 0 : a & -(1L << l2g);
        if (high != guard) {
          return null;
        }
        a ^= guard;
        switch (c.type()) {
          case "GPT" -> {
            GptView g = gpts.get(c.targetOid());
            if (g == null) {
              return null;
            }
            long slot = g.l2v() >= 64 ? 0 : a >>> g.l2v();
            if (Long.compareUnsigned(slot, g.bg() ? 8 : 16) >= 0) {
              return null;
            }
            if (g.l2v() < 64) {
              a -= slot << g.l2v();
            }
            c = slot(g.slots(), "slot " + slot);
          }
          case "Page" -> {
            return Long.compareUnsigned(a, 4096) < 0 ? new long[] {c.targetOid(), a} : null;
          }
          default -> {
            return null;
          }
        }
      }
      return null;
    }
  }
}
