package jackal.services.bank;

import java.util.ArrayDeque;

/**
 * The OIDs the bank may hand out, per object type: the upper half of each backed range, taken from
 * the top down, and the OIDs of freed objects, reused first. The image builder takes OIDs from 0
 * upwards, so the two never meet until storage is exhausted; the bank stops at the half.
 */
final class Storage {
  private final long[] next = new long[Bank.TYPES];
  private final long[] floor = new long[Bank.TYPES];

  @SuppressWarnings({"unchecked", "rawtypes"})
  private final ArrayDeque<Long>[] free = new ArrayDeque[Bank.TYPES];

  /** Sets the range of type {@code t} to the backed OIDs [base, bound). */
  void backed(int t, long base, long bound) {
    floor[t] = base + (bound - base) / 2;
    next[t] = bound - 1;
    free[t] = new ArrayDeque<>();
  }

  /** An OID of type {@code t} no live object of the bank uses, or -1 if none is left. */
  long take(int t) {
    Long f = free[t].poll();
    if (f != null) {
      return f;
    }
    if (next[t] < floor[t]) {
      return -1;
    }
    return next[t]--;
  }

  /** Gives back an OID whose object was rescinded. */
  void give(int t, long oid) {
    free[t].push(oid);
  }
}
