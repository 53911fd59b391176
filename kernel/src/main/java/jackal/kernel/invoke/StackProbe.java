package jackal.kernel.invoke;

/**
 * Touches the stack a kernel entry may need, before that entry takes a lock. A program can call the
 * kernel with its stack almost used up; without the probe the overflow would come somewhere inside
 * the kernel's path (after a commit point, or in the yield), with locks held. With it, the {@link
 * StackOverflowError} is thrown here, where no kernel state was touched, and reaches the program
 * like one thrown by its own code (escaping, it is fault StackOverflow).
 *
 * <p>HotSpot bangs the stack at every Java method entry a shadow zone below the new frame (the room
 * its native code, including the continuation freeze of a yield, may use), so only the kernel's own
 * Java frames must be covered: {@link #DEPTH} frames of {@link #LIVE_LONGS} longs that stay live
 * across the recursive call, so that even compiled code keeps them in the frame. The bound is
 * measured by {@code StackOverflowAttackTest}, which calls the kernel at every depth near the limit
 * through its deepest paths (IPC with a wake-up, fault delivery, the yield).
 */
final class StackProbe {
  private StackProbe() {}

  /** Frames touched: at least 16 x 8 bytes each compiled, several times that interpreted. */
  static final int DEPTH = 40;

  static final int LIVE_LONGS = 16;

  /** Throws StackOverflowError if the kernel's deepest path would not fit. */
  static long touch() {
    return down(DEPTH, 0x9E3779B97F4A7C15L);
  }

  private static long down(int depth, long s) {
    long a0 = s * 31 + 1;
    long a1 = a0 * 31 + 2;
    long a2 = a1 * 31 + 3;
    long a3 = a2 * 31 + 4;
    long a4 = a3 * 31 + 5;
    long a5 = a4 * 31 + 6;
    long a6 = a5 * 31 + 7;
    long a7 = a6 * 31 + 8;
    long a8 = a7 * 31 + 9;
    long a9 = a8 * 31 + 10;
    long a10 = a9 * 31 + 11;
    long a11 = a10 * 31 + 12;
    long a12 = a11 * 31 + 13;
    long a13 = a12 * 31 + 14;
    long a14 = a13 * 31 + 15;
    long a15 = a14 * 31 + 16;
    long below = depth > 0 ? down(depth - 1, a15 ^ s) : 0;
    return below
        + (a0 ^ a1 ^ a2 ^ a3 ^ a4 ^ a5 ^ a6 ^ a7)
        + (a8 ^ a9 ^ a10 ^ a11 ^ a12 ^ a13 ^ a14 ^ a15);
  }
}
