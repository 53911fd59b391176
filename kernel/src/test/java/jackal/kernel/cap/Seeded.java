package jackal.kernel.cap;

import java.util.SplittableRandom;

/**
 * A tiny seeded harness for randomized tests. The seed comes from the system property {@code
 * jackal.test.seed} (decimal or 0x-hex) or a fixed default, so a failure can be replayed with
 * {@code mvn -pl kernel test -Djackal.test.seed=...}; every assertion message should carry {@link
 * #describe(long)}.
 */
public final class Seeded {
  private Seeded() {}

  /** The default seed: fixed, so the build is reproducible unless a seed is asked for. */
  public static final long DEFAULT_SEED = 0x5EED_CAFE_F00DL;

  /** The seed for this run. */
  public static long seed() {
    String s = System.getProperty("jackal.test.seed");
    if (s == null || s.isBlank()) {
      return DEFAULT_SEED;
    }
    s = s.trim();
    return s.startsWith("0x") || s.startsWith("0X")
        ? Long.parseUnsignedLong(s.substring(2), 16)
        : Long.parseLong(s);
  }

  /** A random source for one test, derived from the run seed and a per-test salt. */
  public static SplittableRandom random(long seed, String salt) {
    return new SplittableRandom(seed ^ salt.hashCode() * 0x9E37_79B9_7F4A_7C15L);
  }

  /** How to replay: included in assertion messages. */
  public static String describe(long seed) {
    return "replay with -Djackal.test.seed=0x" + Long.toHexString(seed);
  }

  /**
   * A random value of at most {@code bits} bits that often sits at a bit boundary: all ones, a
   * single bit, zero, or uniformly random with a random width.
   */
  public static long edgy(SplittableRandom r, int bits) {
    long mask = bits >= 64 ? -1L : (1L << bits) - 1;
    return switch (r.nextInt(6)) {
      case 0 -> mask;
      case 1 -> 0;
      case 2 -> (1L << r.nextInt(bits)) & mask;
      case 3 -> mask >>> r.nextInt(bits); // low ones of random width
      default -> r.nextLong() & (mask >>> r.nextInt(bits));
    };
  }
}
