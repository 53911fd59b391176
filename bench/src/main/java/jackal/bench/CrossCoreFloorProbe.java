package jackal.bench;

import java.util.Locale;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * What each part of the least cross-CPU call costs, with no kernel: two platform threads, a caller
 * that writes a request and spins for the reply, and an answering thread that spins for requests
 * (docs/BENCHMARKS.md, "What a cross-CPU call cannot avoid"). The variants add one part at a time:
 *
 * <ul>
 *   <li>{@code flags}: a request line and a reply line, each written by one side only;
 *   <li>{@code continuation}: the same, the answer given by a continuation the answering thread
 *       runs for each request (a run and a yield, as a server's dispatch);
 *   <li>{@code words}: the flags, and four words each way on lines of their own (as a call's
 *       message is, in the caller's parameter block);
 *   <li>{@code call}: words and continuation, what {@code baseline.cross-core-continuation-call}
 *       measures;
 *   <li>{@code packed}: words and continuation, each direction's words on its flag's line.
 * </ul>
 *
 * <p>Run from the bench jar: {@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED
 * -XX:+UseParallelGC -cp "bench/target/jackal-bench.jar:bench/target/lib/*"
 * jackal.bench.CrossCoreFloorProbe VARIANT [rounds]}; it prints ns per round trip for each round of
 * two million, after four rounds of warm-up.
 */
public final class CrossCoreFloorProbe {
  private CrossCoreFloorProbe() {}

  private static final ContinuationScope SCOPE = new ContinuationScope("floor-probe");

  /** The lines: request flag and its words, 64 bytes apart from the reply flag and its words. */
  @SuppressWarnings("unused") // the gaps' fields exist for their place only
  static final class Lines {
    volatile long request;
    long q0;
    long q1;
    long q2;
    long q3;
    long gap0;
    long gap1;
    long gap2;
    long gap3;
    long gap4;
    long gap5;
    long gap6;
    long gap7;
    volatile long reply;
    long r0;
    long r1;
    long r2;
    long r3;
    long tail0;
    long tail1;
    long tail2;
    long tail3;
    long tail4;
    long tail5;
    long tail6;
    long tail7;

    /** The message words when they are not packed: arrays of their own, as a parameter block. */
    final long[] in = new long[8];

    final long[] out = new long[8];

    volatile boolean stop;
  }

  public static void main(String[] args) throws InterruptedException {
    String variant = args.length > 0 ? args[0] : "call";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    boolean cont = variant.equals("continuation") || variant.equals("call");
    boolean words = variant.equals("words") || variant.equals("call");
    boolean packed = variant.equals("packed");
    if (!cont && !words && !packed && !variant.equals("flags")) {
      throw new IllegalArgumentException(
          "variant is flags, continuation, words, call or packed, not " + variant);
    }
    Lines s = new Lines();
    Runnable answer =
        packed
            ? () -> {
              s.r0 = s.q0;
              s.r1 = s.q1 + 1;
              s.r2 = s.q2 + 2;
              s.r3 = s.q3 + 3;
            }
            : words
                ? () -> {
                  long[] w = s.in;
                  long[] r = s.out;
                  r[0] = w[0];
                  r[1] = w[1] + 1;
                  r[2] = w[2] + 2;
                  r[3] = w[3] + 3;
                }
                : () -> {};
    Continuation server =
        new Continuation(
            SCOPE,
            () -> {
              for (; ; ) {
                answer.run();
                Continuation.yield(SCOPE);
              }
            });
    boolean runServer = cont || packed;
    Thread t =
        Thread.ofPlatform()
            .daemon(true)
            .name("floor-probe-answer")
            .start(
                () -> {
                  long seen = 0;
                  while (!s.stop) {
                    long q = s.request;
                    if (q != seen) {
                      seen = q;
                      if (runServer) {
                        server.run();
                      } else {
                        answer.run();
                      }
                      s.reply = q;
                    } else {
                      Thread.onSpinWait();
                    }
                  }
                });
    long seq = 0;
    long sum = 0;
    int n = 2_000_000;
    for (int round = 0; round < 4 + rounds; round++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        ++seq;
        if (packed) {
          s.q0 = seq;
          s.q1 = seq;
          s.q2 = seq;
          s.q3 = seq;
        } else if (words) {
          long[] in = s.in;
          in[0] = seq;
          in[1] = seq;
          in[2] = seq;
          in[3] = seq;
        }
        s.request = seq;
        while (s.reply != seq) {
          Thread.onSpinWait();
        }
        sum += packed ? s.r1 + s.r3 : s.out[1] + s.out[3];
      }
      long dt = System.nanoTime() - t0;
      if (round >= 4) {
        System.out.printf(Locale.ROOT, "%s %.0f ns%n", variant, dt / (double) n);
      }
    }
    s.stop = true;
    t.join();
    System.out.println("checksum " + sum);
  }
}
