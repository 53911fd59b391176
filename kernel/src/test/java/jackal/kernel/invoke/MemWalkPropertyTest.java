package jackal.kernel.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapType;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.cap.OidLayout;
import jackal.kernel.cap.Seeded;
import jackal.kernel.obj.CapPage;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObType;
import jackal.kernel.obj.ObjectTable;
import jackal.kernel.obj.Page;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random address-space graphs (cycles, windows, bad guards, stale and wrong-typed capabilities) and
 * random accesses: the walk always ends, never throws, and agrees with an independent, recursive
 * statement of the reference's translation rules.
 */
class MemWalkPropertyTest {
  private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

  private final Machine machine =
      new Machine(1, 1, 0, 1_000_000, OidLayout.WIDE, 1 << 16, NOWHERE, NOWHERE);
  private final Invocation inv = machine.invocationFor(machine.scheduler.cpu(0));

  @Test
  void randomSpacesAndAccessesNeverCrashAndMatchTheReferenceRules() {
    long seed = Seeded.seed();
    SplittableRandom rnd = Seeded.random(seed, "memwalk");
    int checked = 0;
    for (int graph = 0; graph < 200; graph++) {
      List<Capability> caps = randomGraph(rnd);
      for (int access = 0; access < 200; access++) {
        Capability root = caps.get(rnd.nextInt(caps.size()));
        long addr = randomAddress(rnd);
        boolean write = rnd.nextBoolean();
        boolean capAccess = rnd.nextInt(4) == 0;
        int got;
        try {
          got = inv.walk.walk(machine, inv.txn, root, addr, write, capAccess);
        } finally {
          inv.txn.releaseAll();
        }
        Oracle o = new Oracle(write, capAccess);
        int want = o.translate(root, addr);
        assertThat(got)
            .as(
                "graph %d access %d addr 0x%x write %b cap %b; %s",
                graph, access, addr, write, capAccess, Seeded.describe(seed))
            .isEqualTo(want);
        if (got == 0) {
          assertThat(inv.walk.leaf).isSameAs(o.leaf);
          assertThat(inv.walk.offset).isEqualTo(o.offset).isBetween(0L, Page.SIZE - 1L);
          assertThat(inv.walk.restr).isEqualTo(o.restr);
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(40_000);
  }

  @Test
  void walkingOnAlongARunOfPagesFindsWhatAFullWalkOfEachPageFinds() {
    long seed = Seeded.seed();
    SplittableRandom rnd = Seeded.random(seed, "memwalk-run");
    int continued = 0;
    for (int graph = 0; graph < 200; graph++) {
      // Half the graphs are random; half are spaces made for runs: leaf GPTs of page slots, some of
      // them null, stale, read-only, guarded or CapPages, under a root GPT.
      boolean runs = graph % 2 == 0;
      List<Capability> caps = runs ? runGraph(rnd) : randomGraph(rnd);
      for (int run = 0; run < 100; run++) {
        Capability root = runs ? caps.get(0) : caps.get(rnd.nextInt(caps.size()));
        long addr = runs ? rnd.nextLong() & 0x3FFFF : randomAddress(rnd);
        boolean write = rnd.nextBoolean();
        int pages = 1 + rnd.nextInt(20);
        // As SpaceAccess.accessible walks a range: a full walk, then walkNext for each next page,
        // all in one transaction.
        long[] at = new long[pages];
        int[] got = new int[pages];
        KObject[] leaf = new KObject[pages];
        long[] offset = new long[pages];
        int[] restr = new int[pages];
        try {
          for (int i = 0; i < pages; i++) {
            at[i] = i == 0 ? addr : (addr & -Page.SIZE) + (long) i * Page.SIZE;
            got[i] =
                i == 0
                    ? inv.walk.walk(machine, inv.txn, root, at[i], write, false)
                    : inv.walk.walkNext(machine, inv.txn, root, at[i], write);
            leaf[i] = inv.walk.leaf;
            offset[i] = inv.walk.offset;
            restr[i] = inv.walk.restr;
          }
        } finally {
          inv.txn.releaseAll();
        }
        for (int i = 0; i < pages; i++) {
          int want;
          try {
            want = inv.walk.walk(machine, inv.txn, root, at[i], write, false);
          } finally {
            inv.txn.releaseAll();
          }
          String where =
              String.format(
                  "graph %d run %d page %d addr 0x%x write %b; %s",
                  graph, run, i, at[i], write, Seeded.describe(seed));
          assertThat(got[i]).as(where).isEqualTo(want);
          if (want == 0) {
            assertThat(leaf[i]).as(where).isSameAs(inv.walk.leaf);
            assertThat(offset[i]).as(where).isEqualTo(inv.walk.offset);
            assertThat(restr[i]).as(where).isEqualTo(inv.walk.restr);
            if (i > 0 && got[i - 1] == 0) {
              continued++;
            }
          }
        }
      }
    }
    assertThat(continued).as("pages reached after a page of the same run").isGreaterThan(1000);
  }

  /**
   * A root GPT (l2v 16, reached through a capability guarded to 24 bits) whose four slots hold leaf
   * GPTs (l2v 12, some with bg) of 16 page slots each, mostly data pages: the shape a run of pages
   * has. The root capability comes first in the list.
   */
  private List<Capability> runGraph(SplittableRandom rnd) {
    ObjectTable t = machine.objects;
    Gpt root = (Gpt) t.allocateFresh(ObType.GPT);
    root.l2v = 16;
    List<Capability> caps = new ArrayList<>();
    caps.add(Capability.of(CapType.GPT, 0, root.allocCount, 24, root.oid, root));
    List<KObject> pages = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      pages.add(t.allocateFresh(ObType.PAGE));
    }
    CapPage capPage = (CapPage) t.allocateFresh(ObType.CAP_PAGE);
    for (int s = 0; s < Gpt.SLOTS; s++) {
      root.slots[s] = Capability.NULL;
    }
    for (int s = 0; s < 4; s++) {
      Gpt leaf = (Gpt) t.allocateFresh(ObType.GPT);
      leaf.l2v = 12;
      leaf.bg = rnd.nextInt(8) == 0;
      int leafRestr = rnd.nextInt(6) == 0 ? Restr.READ_ONLY : 0;
      int leafGuard = rnd.nextInt(8) == 0 ? 12 + rnd.nextInt(4) : 16;
      root.slots[s] =
          Capability.of(CapType.GPT, leafRestr, leaf.allocCount, leafGuard, leaf.oid, leaf);
      for (int i = 0; i < Gpt.SLOTS; i++) {
        KObject page = pages.get(rnd.nextInt(pages.size()));
        leaf.slots[i] =
            switch (rnd.nextInt(20)) {
              case 0 -> Capability.NULL;
              case 1 ->
                  Capability.of(CapType.PAGE, Restr.READ_ONLY, page.allocCount, 12, page.oid, page);
              case 2 ->
                  Capability.of(CapType.PAGE, 0, page.allocCount, (1 << 8) | 11, page.oid, page);
              case 3 -> Capability.of(CapType.PAGE, 0, page.allocCount + 1, 12, page.oid, page);
              case 4 ->
                  Capability.of(CapType.CAP_PAGE, 0, capPage.allocCount, 64, capPage.oid, capPage);
              case 5 ->
                  Capability.of(CapType.PAGE, Restr.WEAK, page.allocCount, 64, page.oid, page);
              default ->
                  Capability.of(
                      CapType.PAGE,
                      0,
                      page.allocCount,
                      rnd.nextBoolean() ? 12 : 64,
                      page.oid,
                      page);
            };
      }
    }
    return caps;
  }

  private List<Capability> randomGraph(SplittableRandom rnd) {
    ObjectTable t = machine.objects;
    List<KObject> objects = new ArrayList<>();
    for (int i = 0; i < 3 + rnd.nextInt(4); i++) {
      objects.add(t.allocateFresh(ObType.GPT));
    }
    for (int i = 0; i < 1 + rnd.nextInt(3); i++) {
      objects.add(t.allocateFresh(ObType.PAGE));
    }
    objects.add(t.allocateFresh(ObType.CAP_PAGE));
    List<Capability> caps = new ArrayList<>();
    for (KObject o : objects) {
      caps.add(randomCapTo(rnd, o));
    }
    for (KObject o : objects) {
      if (o instanceof Gpt g) {
        g.l2v = 12 + rnd.nextInt(6) * 2;
        g.bg = rnd.nextInt(4) == 0;
        g.ha = rnd.nextBoolean();
        for (int s = 0; s < Gpt.SLOTS; s++) {
          g.slots[s] = randomSlot(rnd, caps);
        }
      }
    }
    if (rnd.nextInt(5) == 0) {
      KObject victim = objects.get(rnd.nextInt(objects.size()));
      victim.allocCount++; // every capability to it is now stale
    }
    return caps;
  }

  private Capability randomSlot(SplittableRandom rnd, List<Capability> caps) {
    return switch (rnd.nextInt(8)) {
      case 0 -> Capability.NULL;
      case 1 ->
          Capability.of(
              CapType.LOCAL_WINDOW,
              rnd.nextInt(4),
              rnd.nextInt(16),
              (0 << 8) | (12 + rnd.nextInt(8)),
              (long) rnd.nextInt(4) << 12,
              null);
      case 2 ->
          Capability.of(
              CapType.WINDOW,
              rnd.nextInt(4),
              0,
              12 + rnd.nextInt(8),
              (long) rnd.nextInt(4) << 12,
              null);
      case 3 -> Capability.misc(CapType.DISCRIM); // not a memory capability: malformed
      default -> caps.get(rnd.nextInt(caps.size()));
    };
  }

  private static Capability randomCapTo(SplittableRandom rnd, KObject o) {
    int type = o instanceof Gpt ? CapType.GPT : o instanceof Page ? CapType.PAGE : CapType.CAP_PAGE;
    int l2g = rnd.nextInt(3) == 0 ? 64 : 12 + rnd.nextInt(12);
    int match = l2g == 64 || rnd.nextBoolean() ? 0 : rnd.nextInt(4);
    int restr = rnd.nextInt(3) == 0 ? rnd.nextInt(32) : 0;
    return Capability.of(type, restr, o.allocCount, (match << 8) | l2g, o.oid, o);
  }

  private static long randomAddress(SplittableRandom rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> rnd.nextLong();
      case 1 -> rnd.nextLong() & 0xFFFFF;
      case 2 -> rnd.nextLong() & 0xFFFFFF;
      default -> (long) rnd.nextInt(64) << 12 | rnd.nextInt(4096);
    };
  }

  /**
   * The reference's rules, stated recursively and separately from MemWalk: guard check and removal,
   * restrictions OR-ed (a GPT's only once its slot exists), GPT slot selection (8 slots with bg),
   * windows continuing at the last GPT's root slot or the last bg GPT's slot 14, at most 32 steps,
   * AccessViolation first for writes.
   */
  private static final class Oracle {
    final boolean write;
    final boolean capAccess;
    KObject leaf;
    long offset;
    int restr;
    int steps;

    Oracle(boolean write, boolean capAccess) {
      this.write = write;
      this.capAccess = capAccess;
    }

    int translate(Capability root, long addr) {
      int r = step(root, addr, null, null);
      boolean ro = (restr & (Restr.READ_ONLY | Restr.WEAK)) != 0;
      if (write && ro) {
        return FaultCode.ACCESS_VIOLATION;
      }
      return r;
    }

    private boolean valid(Capability c) {
      return c.target == null || c.target.allocCount == c.allocCount;
    }

    private int step(Capability c, long a, Gpt last, Gpt bg) {
      int invalid = capAccess ? FaultCode.INVALID_CAP_REFERENCE : FaultCode.INVALID_DATA_REFERENCE;
      if (++steps > 32) {
        return FaultCode.MALFORMED_SPACE;
      }
      if (!valid(c) || c.type == CapType.NULL) {
        return invalid;
      }
      boolean memory =
          c.type == CapType.GPT
              || c.type == CapType.PAGE
              || c.type == CapType.CAP_PAGE
              || c.type == CapType.WINDOW
              || c.type == CapType.LOCAL_WINDOW;
      if (!memory) {
        return FaultCode.MALFORMED_SPACE;
      }
      int l2g = c.word1() & 0x7F;
      long match = (c.word1() >>> 8) & 0xFFFFFF;
      if (l2g < 64) {
        long high = a >>> l2g;
        if (high != match) {
          return invalid;
        }
        a -= match << l2g;
      }
      if (c.type != CapType.GPT) {
        restr |= c.restr;
      }
      switch (c.type) {
        case CapType.GPT:
          {
            Gpt g = (Gpt) c.target;
            Gpt nbg = g.bg ? g : bg;
            int n = g.bg ? 8 : 16;
            long slot = g.l2v >= 64 ? 0 : a >>> g.l2v;
            if (slot < 0 || slot >= n) {
              return invalid; // a GPT with no such slot is not on the path: its restrictions too
            }
            restr |= c.restr;
            long rest = g.l2v >= 64 ? a : a - (slot << g.l2v);
            return step(g.slots[(int) slot], rest, g, nbg);
          }
        case CapType.PAGE:
        case CapType.CAP_PAGE:
          {
            if (a < 0 || a >= Page.SIZE) {
              return invalid;
            }
            leaf = c.target;
            offset = a;
            if (write && (restr & (Restr.READ_ONLY | Restr.WEAK)) != 0) {
              return FaultCode.ACCESS_VIOLATION;
            }
            if (capAccess != (c.type == CapType.CAP_PAGE)) {
              return capAccess ? FaultCode.CAP_ACCESS_TYPE_ERROR : FaultCode.DATA_ACCESS_TYPE_ERROR;
            }
            return 0;
          }
        case CapType.LOCAL_WINDOW:
          {
            if (last == null) {
              return FaultCode.MALFORMED_SPACE;
            }
            Capability next = last.slots[(int) c.allocCount];
            if (next.type == CapType.WINDOW || next.type == CapType.LOCAL_WINDOW) {
              return FaultCode.MALFORMED_SPACE;
            }
            return step(next, a | c.oid, last, bg);
          }
        default:
          {
            if (bg == null) {
              return FaultCode.MALFORMED_SPACE;
            }
            Capability next = bg.slots[Gpt.BACKGROUND_SLOT];
            if (next.type == CapType.WINDOW || next.type == CapType.LOCAL_WINDOW) {
              return FaultCode.MALFORMED_SPACE;
            }
            return step(next, a | c.oid, bg, bg);
          }
      }
    }
  }

  @Test
  void gptWithoutTheAddressedSlotIsNotOnThePathNorCountsItsRestrictions() {
    Gpt g = (Gpt) machine.objects.allocateFresh(ObType.GPT);
    g.l2v = 12;
    g.ha = true;
    Capability readOnly = Capability.of(CapType.GPT, Restr.READ_ONLY, g.allocCount, 20, g.oid, g);
    int got = inv.walk.walk(machine, inv.txn, readOnly, 0x20000, true, false);
    inv.txn.releaseAll();
    assertThat(got).isEqualTo(FaultCode.INVALID_DATA_REFERENCE);
    assertThat(inv.walk.depth).isZero();
    assertThat(inv.walk.handlerGpt(got)).isNull();
    // The same GPT with the slot in range is on the path, and its read-only restriction counts.
    got = inv.walk.walk(machine, inv.txn, readOnly, 0x2000, true, false);
    inv.txn.releaseAll();
    assertThat(got).isEqualTo(FaultCode.ACCESS_VIOLATION);
    assertThat(inv.walk.depth).isEqualTo(1);
  }

  @Test
  void capPageOffsetsAreSlotAligned() {
    CapPage cp = (CapPage) machine.objects.allocateFresh(ObType.CAP_PAGE);
    Capability c = Capability.of(CapType.CAP_PAGE, 0, cp.allocCount, 12, cp.oid, cp);
    int got = inv.walk.walk(machine, inv.txn, c, 0x30, false, true);
    inv.txn.releaseAll();
    assertThat(got).isZero();
    assertThat(inv.walk.offset >>> 4).isEqualTo(3);
  }
}
