package jackal.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * One two-CPU kernel of {@link SmpBenchmark}'s pairs, its placement changed in place between
 * measurements: what the nineteenth session used to find that a pair runs faster on the CPU that
 * made its stack chunks than on the other (docs/BENCHMARKS.md, "Nineteenth session"). The kernel is
 * born {@code unpinned}, {@code pinned} or {@code together} (as in {@link BirthProbe}), warmed for
 * 3 s and fully collected; then each step of the comma-separated list runs in turn:
 *
 * <ul>
 *   <li>{@code 0} or {@code 1}: pair {@code i} pinned to CPU {@code (i + step) mod 2} ({@link
 *       PairsRig#pinShifted}), then five measurements of {@code seconds} each, printed as their
 *       median, minimum and maximum in wall-clock ns per call, with the raw cross-core ping-pong
 *       taken just after (hundreds of ns: the two vCPUs were two cores);
 *   <li>{@code u}: every process unpinned, then measured the same way;
 *   <li>{@code gc}: a full collection ({@link KernelRig#tenure}), after which the JVM gives each
 *       continuation a new stack chunk at its next yield, made by the CPU running it then.
 * </ul>
 *
 * <p>{@code together 0,1,gc,1,0,1,0}: before the collection the pairs are fast where they were born
 * (shift 0); after it, where the first batch after it ran (shift 1). Run from the bench jar with
 * {@link BirthProbe}'s flags: {@code ... jackal.bench.RepinProbe kind steps [seconds]}.
 */
public final class RepinProbe {
  /** Calls each client makes in a batch: long batches, so their edges cost little. */
  private static final int CALLS = 100_000;

  private RepinProbe() {}

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: RepinProbe unpinned|pinned|together STEP[,STEP...] [seconds]");
      System.exit(2);
    }
    String kind = args[0];
    String[] steps = args[1].split(",", -1);
    double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 1.0;
    long nanos = (long) (seconds * 1e9);
    for (String step : steps) {
      if (!step.equals("0") && !step.equals("1") && !step.equals("u") && !step.equals("gc")) {
        System.err.println("a step is 0, 1, u or gc, not '" + step + "'");
        System.exit(2);
      }
    }
    try (PairsRig rig = born(kind)) {
      long warm = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < warm) {
        rig.run(SmpBenchmark.CALLS);
      }
      KernelRig.tenure();
      for (String step : steps) {
        if (step.equals("gc")) {
          KernelRig.tenure();
          System.out.println("gc");
          continue;
        }
        rig.pinShifted(step.equals("u") ? -1 : Integer.parseInt(step));
        double[] ns = new double[5];
        for (int i = 0; i < ns.length; i++) {
          ns[i] = nanosPerCall(rig, nanos);
        }
        Arrays.sort(ns);
        System.out.printf(
            Locale.ROOT,
            "%s step %s: median %.1f ns a call (min %.1f, max %.1f), raw cross-core %.0f ns%n",
            kind,
            step,
            ns[2],
            ns[0],
            ns[4],
            SmpProbe.rawPingPongNanos());
      }
    }
  }

  private static PairsRig born(String kind) {
    return switch (kind) {
      case "unpinned" -> new PairsRig(2, SmpBenchmark.PAIRS, 50, false, false, -1);
      case "pinned" -> new PairsRig(2, SmpBenchmark.PAIRS, 50, true, false, -1);
      case "together" -> PairsRig.bornTogether(2, SmpBenchmark.PAIRS, 50);
      default ->
          throw new IllegalArgumentException("kind is unpinned, pinned or together: " + kind);
    };
  }

  /** Wall-clock ns per call over batches filling {@code nanos}, after one batch not counted. */
  private static double nanosPerCall(PairsRig rig, long nanos) {
    rig.run(CALLS);
    long start = System.nanoTime();
    long calls = 0;
    while (System.nanoTime() - start < nanos) {
      rig.run(CALLS);
      calls += (long) CALLS * SmpBenchmark.PAIRS;
    }
    return (double) (System.nanoTime() - start) / calls;
  }
}
