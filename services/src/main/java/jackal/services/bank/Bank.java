package jackal.services.bank;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One bank of the tree: its parent, its sub-banks, the objects it owns, its limits and its usage.
 *
 * <p>Usage counts every object allocated from this bank or a bank below it that is still live, plus
 * the endpoints of the banks below it (each sub-bank's endpoint is charged to its parent, as
 * Coyotos's createChild takes one Endpoint from the parent). So an allocation is charged to the
 * bank and every ancestor, and a bank's limit holds against everything beneath it.
 */
final class Bank {
  /** Limits and usage are kept per object type, in Range.obType order. */
  static final int TYPES = 5;

  /** The endpoint ID of the bank's endpoint, which names the bank in each request. */
  final long epId;

  /** The OID of the bank's endpoint. */
  final long endpointOid;

  /** Null only for the prime bank. */
  Bank parent;

  final List<Bank> children = new ArrayList<>();

  /** The OIDs of the objects this bank itself owns, by type (insertion order, for determinism). */
  final List<LinkedHashSet<Long>> owned = new ArrayList<>(TYPES);

  /** Unsigned; all ones (no limit) until setLimits. */
  final long[] limits = new long[TYPES];

  final long[] usage = new long[TYPES];

  /** The bank's record in the live tree ({@link LiveTree}), or -1 if it has none. */
  int liveRecord = -1;

  Bank(long epId, long endpointOid, Bank parent) {
    this.epId = epId;
    this.endpointOid = endpointOid;
    this.parent = parent;
    for (int t = 0; t < TYPES; t++) {
      owned.add(new LinkedHashSet<>());
      limits[t] = -1L;
    }
  }

  boolean isPrime() {
    return parent == null;
  }

  /** True if {@code need[t]} more objects of each type fit this bank and every ancestor. */
  boolean fits(int[] need) {
    for (Bank b = this; b != null; b = b.parent) {
      for (int t = 0; t < TYPES; t++) {
        if (need[t] != 0 && Long.compareUnsigned(b.usage[t] + need[t], b.limits[t]) > 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** Adds {@code delta} objects of type {@code t} to the usage of this bank and every ancestor. */
  void charge(int t, long delta) {
    for (Bank b = this; b != null; b = b.parent) {
      b.usage[t] += delta;
    }
  }

  /** Per type: the least room left over this bank and its ancestors, plus this bank's usage. */
  long[] effectiveLimits() {
    long[] out = new long[TYPES];
    for (int t = 0; t < TYPES; t++) {
      long room = -1L;
      for (Bank b = this; b != null; b = b.parent) {
        long left = b.limits[t] - b.usage[t];
        if (Long.compareUnsigned(left, room) < 0) {
          room = left;
        }
      }
      out[t] = room + usage[t];
    }
    return out;
  }
}
