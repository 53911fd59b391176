package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;

/**
 * A class whose static initializer makes system calls, first used in the middle of a run: a capture
 * asked for at one of those calls waits for the first point after the initializer returns.
 */
public final class ClassInit {
  private ClassInit() {}

  public static long run(long seed) {
    long acc = seed;
    for (int i = 0; i < 3; i++) {
      acc += Sys.call(acc + i);
    }
    acc ^= Table.FIRST;
    for (int i = 0; i < 3; i++) {
      acc += Sys.call(acc - i);
    }
    return acc;
  }

  static final class Table {
    private Table() {}

    static final long FIRST = Sys.call(7) + Sys.call(8);
  }
}
