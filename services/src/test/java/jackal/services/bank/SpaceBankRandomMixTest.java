package jackal.services.bank;

import static jackal.services.bank.BankSystem.RANGE;
import static jackal.services.bank.BankSystem.reg;
import static jackal.services.bank.SpaceBankTest.NONE;
import static jackal.services.bank.SpaceBankTest.PRIME;
import static jackal.services.bank.SpaceBankTest.code;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.services.idl.coyotos.RangeIdentifyResult;
import jackal.services.idl.coyotos.SpaceBankLimitReachedException;
import jackal.services.idl.coyotos.SpaceBankLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A seeded random mix of allocations, frees, new banks, limits, removes and destroys across a tree
 * of banks, checked after every step against a model: each bank's usage equals what is live below
 * it, no object is owned twice, and every capability to a destroyed object is dead. The seed is
 * printed; {@code -Djackal.test.seed=N} replays a run.
 */
class SpaceBankRandomMixTest {
  /** Registers holding banks (8: the root of the tree, a child of the prime bank). */
  static final int[] BANK_REGS = {8, 9, 10, 11, 12, 13};

  /** Registers holding objects. */
  static final int[] OBJECT_REGS = {14, 15, 16, 17, 18, 19, 22, 23};

  static final int STEPS = 400;
  static final int TYPES = 5;

  /** The model of one bank. */
  static final class MBank {
    MBank parent;
    final List<MBank> children = new ArrayList<>();
    final long[] limits = {-1, -1, -1, -1, -1};
    int reg;

    boolean above(MBank b) {
      for (MBank x = b; x != null; x = x.parent) {
        if (x == this) {
          return true;
        }
      }
      return false;
    }
  }

  /** What the mix did, by outcome (printed with the seed; the mix must reach each outcome). */
  static final Map<String, Integer> SEEN = new TreeMap<>();

  static void saw(String outcome) {
    SEEN.merge(outcome, 1, Integer::sum);
  }

  /** The model of one live object: its type, OID and owning bank. */
  record MObject(int type, long oid, MBank owner) {}

  @Test
  void limitsAndUsageHoldUnderASeededRandomMix() throws Exception {
    SEEN.clear();
    long seed = Long.getLong("jackal.test.seed", new Random().nextLong());
    System.out.println(
        "SpaceBankRandomMixTest seed=" + seed + " (replay: -Djackal.test.seed=" + seed + ")");
    Random rnd = new Random(seed);
    try (BankSystem s = new BankSystem()) {
      s.run(
          c -> {
            MBank[] banks = new MBank[BANK_REGS.length];
            MObject[] objects = new MObject[OBJECT_REGS.length];
            c.bank.createChild(PRIME, reg(BANK_REGS[0]));
            banks[0] = new MBank();
            banks[0].reg = BANK_REGS[0];
            for (int step = 0; step < STEPS; step++) {
              String what = "seed " + seed + " step " + step;
              int op = rnd.nextInt(100);
              MBank b = pick(rnd, banks);
              if (op < 40) {
                alloc(c, rnd, b, banks, objects, what);
              } else if (op < 65) {
                free(c, rnd, banks, objects, what);
              } else if (op < 75) {
                createChild(c, b, banks, objects, what);
              } else if (op < 85) {
                setLimits(c, rnd, b, banks, objects, what);
              } else if (op < 92) {
                destroyOrRemove(c, rnd, b, banks, objects, false, what);
              } else {
                destroyOrRemove(c, rnd, b, banks, objects, true, what);
              }
              check(c, banks, objects, what);
            }
          });
    }
    System.out.println("SpaceBankRandomMixTest seed=" + seed + " did " + SEEN);
    assertThat(SEEN).containsKeys("alloc", "free", "createChild", "setLimits", "destroy");
  }

  static MBank pick(Random rnd, MBank[] banks) {
    for (; ; ) {
      MBank b = banks[rnd.nextInt(banks.length)];
      if (b != null) {
        return b;
      }
    }
  }

  static long[] usage(MBank b, MBank[] banks, MObject[] objects) {
    long[] u = new long[TYPES];
    for (MObject o : objects) {
      if (o != null && b.above(o.owner)) {
        u[o.type]++;
      }
    }
    for (MBank x : banks) {
      if (x != null && x != b && b.above(x)) {
        u[Codes.OT_ENDPOINT]++;
      }
    }
    return u;
  }

  /** Whether {@code need} more objects fit {@code b} and every bank above it, in the model. */
  static boolean fits(MBank b, long[] need, MBank[] banks, MObject[] objects) {
    for (MBank x = b; x != null; x = x.parent) {
      long[] u = usage(x, banks, objects);
      for (int t = 0; t < TYPES; t++) {
        if (need[t] > 0 && Long.compareUnsigned(u[t] + need[t], x.limits[t]) > 0) {
          return false;
        }
      }
    }
    return true;
  }

  static void alloc(
      BankSystem.Client c, Random rnd, MBank b, MBank[] banks, MObject[] objects, String what)
      throws Exception {
    int[] slots = new int[3];
    int[] types = new int[3];
    long[] need = new long[TYPES];
    Set<Integer> used = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      int slot = -1;
      if (rnd.nextInt(3) > 0) {
        for (int tries = 0; tries < 8 && slot < 0; tries++) {
          int cand = rnd.nextInt(OBJECT_REGS.length);
          if (objects[cand] == null && used.add(cand)) {
            slot = cand;
          }
        }
      }
      slots[i] = slot;
      types[i] = slot < 0 ? NONE : rnd.nextInt(TYPES);
      if (slot >= 0) {
        need[types[i]]++;
      }
    }
    boolean expectFit = fits(b, need, banks, objects);
    long rc =
        code(
            () ->
                c.bank.alloc(
                    reg(b.reg),
                    types[0],
                    types[1],
                    types[2],
                    reg(slots[0] < 0 ? 0 : OBJECT_REGS[slots[0]]),
                    reg(slots[1] < 0 ? 0 : OBJECT_REGS[slots[1]]),
                    reg(slots[2] < 0 ? 0 : OBJECT_REGS[slots[2]])));
    if (!expectFit) {
      assertThat(rc)
          .as(what + ": alloc beyond a limit")
          .isEqualTo(SpaceBankLimitReachedException.CODE);
      saw("alloc refused at a limit");
      return;
    }
    assertThat(rc).as(what + ": alloc").isZero();
    saw("alloc");
    for (int i = 0; i < 3; i++) {
      if (slots[i] >= 0) {
        RangeIdentifyResult id = c.range.identify(reg(RANGE), reg(OBJECT_REGS[slots[i]]));
        assertThat(id.type()).as(what + ": allocated type").isEqualTo(types[i]);
        objects[slots[i]] = new MObject(types[i], id.offset(), b);
      }
    }
  }

  static void free(BankSystem.Client c, Random rnd, MBank[] banks, MObject[] objects, String what)
      throws Exception {
    int slot = rnd.nextInt(OBJECT_REGS.length);
    MObject o = objects[slot];
    if (o == null) {
      return;
    }
    MBank via = rnd.nextInt(5) == 0 ? pick(rnd, banks) : o.owner;
    long rc = code(() -> c.bank.free(reg(via.reg), 1, reg(OBJECT_REGS[slot]), reg(0), reg(0)));
    if (via != o.owner) {
      assertThat(rc).as(what + ": free through another bank").isEqualTo(Codes.RC_REQUEST_ERROR);
      saw("free through another bank refused");
      return;
    }
    assertThat(rc).as(what + ": free").isZero();
    saw("free");
    assertThat(c.range.identify(reg(RANGE), reg(OBJECT_REGS[slot])).type())
        .as(what + ": freed object dead")
        .isEqualTo(NONE);
    objects[slot] = null;
  }

  static void createChild(
      BankSystem.Client c, MBank b, MBank[] banks, MObject[] objects, String what)
      throws Exception {
    int slot = -1;
    for (int i = 0; i < banks.length && slot < 0; i++) {
      if (banks[i] == null) {
        slot = i;
      }
    }
    if (slot < 0) {
      return;
    }
    long[] need = new long[TYPES];
    need[Codes.OT_ENDPOINT] = 1;
    boolean expectFit = fits(b, need, banks, objects);
    int into = BANK_REGS[slot];
    long rc = code(() -> c.bank.createChild(reg(b.reg), reg(into)));
    if (!expectFit) {
      assertThat(rc)
          .as(what + ": child beyond a limit")
          .isEqualTo(SpaceBankLimitReachedException.CODE);
      saw("createChild refused at a limit");
      return;
    }
    assertThat(rc).as(what + ": createChild").isZero();
    saw("createChild");
    MBank child = new MBank();
    child.parent = b;
    child.reg = into;
    b.children.add(child);
    banks[slot] = child;
  }

  static void setLimits(
      BankSystem.Client c, Random rnd, MBank b, MBank[] banks, MObject[] objects, String what)
      throws Exception {
    long[] u = usage(b, banks, objects);
    long[] lim = new long[TYPES];
    for (int t = 0; t < TYPES; t++) {
      int r = rnd.nextInt(6);
      lim[t] = r == 0 ? -1 : Math.max(0, u[t] + r - 2);
    }
    boolean ok = true;
    for (int t = 0; t < TYPES; t++) {
      ok &= Long.compareUnsigned(u[t], lim[t]) <= 0;
    }
    long rc = code(() -> c.bank.setLimits(reg(b.reg), new SpaceBankLimits(lim)));
    if (!ok) {
      assertThat(rc)
          .as(what + ": limit below usage")
          .isEqualTo(SpaceBankLimitReachedException.CODE);
      saw("setLimits below usage refused");
      return;
    }
    assertThat(rc).as(what + ": setLimits").isZero();
    saw("setLimits");
    System.arraycopy(lim, 0, b.limits, 0, TYPES);
  }

  static void destroyOrRemove(
      BankSystem.Client c,
      Random rnd,
      MBank b,
      MBank[] banks,
      MObject[] objects,
      boolean remove,
      String what)
      throws Exception {
    if (b.parent == null) {
      return; // the root stays, so that the mix goes on
    }
    if (remove) {
      assertThat(code(() -> c.bank.remove(reg(b.reg)))).as(what + ": remove").isZero();
      saw("remove");
      for (int i = 0; i < objects.length; i++) {
        if (objects[i] != null && objects[i].owner == b) {
          objects[i] = new MObject(objects[i].type, objects[i].oid, b.parent);
        }
      }
      for (MBank ch : b.children) {
        ch.parent = b.parent;
        b.parent.children.add(ch);
      }
      b.parent.children.remove(b);
      for (int i = 0; i < banks.length; i++) {
        if (banks[i] == b) {
          banks[i] = null;
        }
      }
      return;
    }
    assertThat(code(() -> c.bank.destroy(reg(b.reg)))).as(what + ": destroy").isZero();
    saw("destroy");
    for (int i = 0; i < objects.length; i++) {
      if (objects[i] != null && b.above(objects[i].owner)) {
        assertThat(c.range.identify(reg(RANGE), reg(OBJECT_REGS[i])).type())
            .as(what + ": object of a destroyed bank")
            .isEqualTo(NONE);
        objects[i] = null;
      }
    }
    for (int i = 0; i < banks.length; i++) {
      if (banks[i] != null && b.above(banks[i])) {
        assertThat(c.bank.getType(reg(banks[i].reg)))
            .as(what + ": destroyed bank")
            .isEqualTo(Codes.IKT_NULL);
        banks[i] = null;
      }
    }
    b.parent.children.remove(b);
  }

  static void check(BankSystem.Client c, MBank[] banks, MObject[] objects, String what)
      throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < objects.length; i++) {
      MObject o = objects[i];
      if (o != null) {
        RangeIdentifyResult id = c.range.identify(reg(RANGE), reg(OBJECT_REGS[i]));
        assertThat(id.type()).as(what + ": live object type").isEqualTo(o.type);
        assertThat(id.offset()).as(what + ": live object oid").isEqualTo(o.oid);
        assertThat(seen.add(o.type + ":" + o.oid)).as(what + ": owned twice").isTrue();
      }
    }
    for (MBank b : banks) {
      if (b != null) {
        assertThat(c.bank.getUsage(reg(b.reg)).byType())
            .as(what + ": usage of the bank in register " + b.reg)
            .containsExactly(usage(b, banks, objects));
      }
    }
  }
}
