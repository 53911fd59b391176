package jackal.runtime.confined.sharing.code;

/** Computes for ever without a system call, in a class the processes of its image share. */
public final class Spin {
  private Spin() {}

  /** Never returns. */
  public static long forever(long seed) {
    long x = seed;
    while (true) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      if (x == seed - 1) {
        return x; // never, as far as the JIT can tell
      }
    }
  }
}
