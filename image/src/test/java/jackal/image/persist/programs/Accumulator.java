package jackal.image.persist.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;

/**
 * A computation whose state lives only in Java locals, two frames deep: mixes {@link #ROUNDS}
 * rounds into a hash, yielding the CPU each round (a system call) and spinning between (preemption
 * checks). At round {@link #GATE} it waits until the word at 24 is not zero (written from outside).
 * Words of its data page: 0 the final hash, 8 the round it is in (progress only: never read back),
 * 16 how many times the program started from its entry.
 */
public final class Accumulator implements ProgramEntry {
  public static final int ROUNDS = 400;

  public static final int GATE = 200;

  @Override
  public void run(SystemCalls sys) {
    sys.storeLong(16, sys.loadLong(16) + 1);
    Ipc ipc = new Ipc(sys);
    long hash = 17;
    for (int round = 1; round <= ROUNDS; round++) {
      hash = mix(hash, round);
      sys.storeLong(8, round);
      if (round == GATE) {
        while (sys.loadLong(24) == 0) {
          ipc.yieldCpu();
        }
      }
      ipc.yieldCpu();
    }
    sys.storeLong(0, hash);
  }

  /** The hash after one round; spins long enough to pass preemption checks. */
  private static long mix(long hash, int round) {
    long h = hash;
    double wobble = round * 0.5;
    for (int i = 0; i < 20_000; i++) {
      h = h * 31 + (i ^ round);
      wobble = wobble * 1.0000001 + 1;
    }
    return h ^ (long) wobble;
  }

  /** What the program writes at 0 when it runs to its end uninterrupted. */
  public static long expected() {
    long hash = 17;
    for (int round = 1; round <= ROUNDS; round++) {
      hash = mix(hash, round);
    }
    return hash;
  }
}
