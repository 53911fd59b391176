package jackal.kernel.load.capture.programs;

import jackal.kernel.load.capture.Sys;
import java.util.function.LongUnaryOperator;

/**
 * Lambda bodies are ordinary methods: captured through the program's own interface and a JDK
 * functional interface, called from program code.
 */
public final class Lambdas {
  private Lambdas() {}

  /** A program's own functional interface. */
  interface Step {
    long apply(long x, int round);
  }

  public static long run(long seed) {
    long base = seed + 3;
    Step add = (x, round) -> x + Sys.call(x + base + round);
    Step twice = (x, round) -> add.apply(add.apply(x, round), round);
    LongUnaryOperator jdk = x -> x * 3 + Sys.call(x);
    long v = seed;
    for (int round = 0; round < 4; round++) {
      v = twice.apply(v, round);
      v = jdk.applyAsLong(v) & 0xffff_ffffL;
    }
    return v;
  }
}
