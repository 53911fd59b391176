package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;

/**
 * Every kind of value in locals and on the operand stack below a call that captures: ints, longs,
 * floats, doubles, arrays, strings, a null, an object of the program's own class.
 */
public final class Mixed {
  private Mixed() {}

  /** A program's own class with fields of several types. */
  static final class Box {
    final String name;
    long count;
    double weight;
    int[] history = new int[4];
    Box next;

    Box(String name) {
      this.name = name;
    }
  }

  public static long run(long seed) {
    double d = seed * 0.5;
    float f = seed / 3.0f;
    long l = seed << 20;
    int[] ints = {1, 2, 3};
    long[][] grid = new long[2][3];
    String s = "s" + seed;
    Object nothing = null;
    Box box = new Box("first");
    box.next = new Box("second");
    box.next.next = box; // a cycle
    for (int round = 0; round < 4; round++) {
      // Operand stack at the call: long, double, reference, int, then the argument.
      long r = combine(l, d * 2, s, ints[round % 3], Sys.call(l + round));
      grid[round % 2][round % 3] += r;
      box.count += r;
      box.weight += d;
      box.history[round] = (int) r;
      box = box.next;
      d += f + mix(ints, Sys.call(round) + 1.25);
      f *= 1.5f;
      l ^= r;
      ints[round % 3] += (int) (r & 7);
      s = s + round;
    }
    long g = 0;
    for (long[] row : grid) {
      for (long v : row) {
        g = g * 7 + v;
      }
    }
    return g
        ^ Double.doubleToLongBits(d)
        ^ Float.floatToIntBits(f)
        ^ l
        ^ s.hashCode()
        ^ box.count
        ^ box.next.count * 3
        ^ Double.doubleToLongBits(box.weight)
        ^ box.history[1]
        ^ box.name.hashCode()
        ^ (nothing == null ? 1 : 2);
  }

  private static long combine(long l, double d, String s, int i, long call) {
    return l + (long) d + s.length() + i + call;
  }

  private static double mix(int[] ints, double x) {
    double y = x;
    for (int i : ints) {
      y = y * 1.5 + Sys.call(i);
    }
    return y;
  }
}
