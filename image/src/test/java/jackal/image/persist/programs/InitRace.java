package jackal.image.persist.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import java.util.HashSet;
import java.util.Set;

/**
 * One program in two roles, chosen by the word at 32 of its data page (0 the first role, 1 the
 * second).
 *
 * <p>The first role is the attacker. It initializes {@link Marked}, keeps a hash set whose one key
 * computes its hash code for a long time, and waits at its gate (until the word at 24 is not zero),
 * where a checkpoint takes it. Restored in a fresh kernel, its set is filled again, so the key's
 * {@code hashCode} runs while its state is being rebuilt, long enough to be preempted there many
 * times. Once let through its gate it writes {@code MARK + 1} at 0.
 *
 * <p>The second role is the victim: a process of the same program started after the restart. It
 * spins a while (so that the attacker is inside its restore), then initializes {@link Marked} and
 * writes what its initializer computed at 0: {@link #MARK}, unless its initializer was skipped.
 */
public final class InitRace implements ProgramEntry {
  public static final long MARK = 42;

  /** Iterations of the key's hash code: a few hundred milliseconds of computation. */
  private static final long HASH_SPINS = 400_000_000L;

  /** Iterations the victim spins before it initializes {@link Marked}. */
  private static final long VICTIM_SPINS = 20_000_000L;

  /** A class with a real static initializer (not a compile-time constant). */
  static final class Marked {
    static final long VALUE = mark();

    private Marked() {}
  }

  static long mark() {
    return MARK;
  }

  /** A key whose hash code takes long to compute. */
  static final class SlowKey {
    final long seed;

    SlowKey(long seed) {
      this.seed = seed;
    }

    @Override
    public int hashCode() {
      return (int) spin(seed, HASH_SPINS);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof SlowKey k && k.seed == seed;
    }
  }

  static long spin(long seed, long n) {
    long h = seed;
    for (long i = 0; i < n; i++) {
      h = h * 31 + i;
    }
    return h;
  }

  @Override
  public void run(SystemCalls sys) {
    if (sys.loadLong(32) == 0) {
      long value = Marked.VALUE;
      Set<SlowKey> keys = new HashSet<>();
      keys.add(new SlowKey(7));
      sys.storeLong(8, 1);
      Ipc ipc = new Ipc(sys);
      while (sys.loadLong(24) == 0) {
        ipc.yieldCpu();
      }
      sys.storeLong(0, value + keys.size());
    } else {
      sys.storeLong(16, spin(3, VICTIM_SPINS));
      sys.storeLong(0, Marked.VALUE);
    }
  }
}
