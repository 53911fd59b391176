package jackal.kernel.load.capture.confined;

/**
 * Compute-bound code with no system call: loaded through the kernel's ProgramRewriter, its only
 * capture points are the preemption checks the rewriter inserts (method entries, back edges).
 */
public final class Counting {
  private Counting() {}

  public static long run(long seed) {
    long h = seed;
    int[] data = new int[50];
    for (int i = 0; i < data.length; i++) {
      data[i] = (int) (h = h * 6_364_136_223_846_793_005L + 1_442_695_040_888_963_407L);
    }
    long sum = 0;
    for (int round = 0; round < 5; round++) {
      sum = sum * 31 + step(data, round);
      double d = sum * 0.25;
      while (d > 10) {
        d = d / 3 - 1;
      }
      sum += (long) d;
    }
    return sum;
  }

  private static long step(int[] data, int round) {
    long s = round;
    for (int x : data) {
      s = s * 7 + (x >>> round);
      if (s < 0) {
        s = -s;
      }
    }
    return s;
  }
}
