package jackal.bench;

import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code capture.compute} measured as an A/B in one JVM, for a host that other work shares: the
 * confined and the capturable {@code Compute} of {@link CaptureBenchmark} (the same loaders) run in
 * short samples, the two variants of each pair in a random order, and each variant's samples are
 * compared by quantile. A sample shorter than the host's scheduling quantum is either preempted or
 * not; the low quantiles are the samples that ran undisturbed, so their ratio is the code's and not
 * the host's, where JMH's average of each variant in its own fork divides one stretch of the host's
 * load by another.
 *
 * <p>Run from the bench jar: {@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xms1g
 * -Xmx1g -XX:+UseParallelGC -cp bench/target/jackal-bench.jar jackal.bench.CaptureProbe [samples
 * [kernel]]} (default 4000 pairs of each of sha256, dot and sort; random order seeded, seed
 * printed). Prints, per kernel, the 1st, 10th, 25th and 50th percentile of each variant in µs and
 * capturable / confined at each.
 */
public final class CaptureProbe {
  private CaptureProbe() {}

  private static int sink;

  private static final String[] KERNELS = {"sha256", "dot", "sort"};

  /** Calls per sample: each sample takes a few to a few hundred microseconds when undisturbed. */
  private static final int[] CALLS = {3, 50, 1};

  private static final double[] QUANTILES = {0.01, 0.10, 0.25, 0.50};

  public static void main(String[] args) throws Throwable {
    if (args.length > 0 && args[0].equals("ipc")) {
      ipc(args.length > 1 ? Integer.parseInt(args[1]) : 1000);
      return;
    }
    int samples = args.length > 0 ? Integer.parseInt(args[0]) : 4000;
    String only = args.length > 1 ? args[1] : "";
    long seed = args.length > 2 ? Long.parseLong(args[2]) : System.nanoTime();
    CaptureBenchmark.Programs p = new CaptureBenchmark.Programs();
    p.load();
    MethodHandle[][] mh = {
      {p.sha256Confined, p.sha256Capturable},
      {p.dotConfined, p.dotCapturable},
      {p.sortConfined, p.sortCapturable}
    };
    SplittableRandom order = new SplittableRandom(seed);
    System.out.printf(Locale.ROOT, "seed %d, load average %.2f%n", seed, loadAverage());
    for (int k = 0; k < KERNELS.length; k++) {
      if (!only.isEmpty() && !only.equals(KERNELS[k])) {
        continue;
      }
      for (int w = 0; w < 2000; w++) {
        run(p, mh[k][w & 1], k, CALLS[k]);
      }
      double[][] t = new double[2][samples];
      for (int s = 0; s < samples; s++) {
        int first = order.nextInt(2);
        for (int j = 0; j < 2; j++) {
          int v = j == 0 ? first : 1 - first;
          long t0 = System.nanoTime();
          run(p, mh[k][v], k, CALLS[k]);
          t[v][s] = (System.nanoTime() - t0) / 1e3 / CALLS[k];
        }
      }
      print(KERNELS[k], t, samples, "us");
    }
    System.out.printf(Locale.ROOT, "load average %.2f; sink %d%n", loadAverage(), sink);
  }

  /** Calls per IPC sample: a few hundred microseconds when undisturbed. */
  private static final int IPC_CALLS = 200;

  /**
   * {@code capture.ipc} the same way: the rigs of {@link CaptureBenchmark} (a kernel with capture
   * off and one with it on, each with the bank loaded from pages and a trusted echo pair) booted
   * side by side in this JVM; each sample is {@value #IPC_CALLS} {@code SpaceBank.alloc} calls
   * (after a fresh child bank, not timed) or as many echo round trips, on each kernel in a random
   * order. A batch's time includes waking its client, the same on both kernels.
   */
  private static void ipc(int samples) {
    CaptureBenchmark.PlainBank off = new CaptureBenchmark.PlainBank();
    CaptureBenchmark.CapturableBank on = new CaptureBenchmark.CapturableBank();
    off.boot();
    on.boot();
    BankBenchmark.Rig[] rigs = {off, on};
    long seed = System.nanoTime();
    SplittableRandom order = new SplittableRandom(seed);
    System.out.printf(Locale.ROOT, "seed %d, load average %.2f%n", seed, loadAverage());
    try {
      for (BankBenchmark.Rig.Kind kind :
          new BankBenchmark.Rig.Kind[] {
            BankBenchmark.Rig.Kind.ALLOC, BankBenchmark.Rig.Kind.ECHO
          }) {
        for (int w = 0; w < samples / 4; w++) {
          for (BankBenchmark.Rig r : rigs) {
            batch(r, kind);
          }
        }
        double[][] t = new double[2][samples];
        for (int s = 0; s < samples; s++) {
          int first = order.nextInt(2);
          for (int j = 0; j < 2; j++) {
            int v = j == 0 ? first : 1 - first;
            t[v][s] = batch(rigs[v], kind) / IPC_CALLS;
          }
        }
        print(kind == BankBenchmark.Rig.Kind.ALLOC ? "bank" : "roundtrip", t, samples, "ns");
      }
    } finally {
      off.shutdown();
      on.shutdown();
    }
    System.out.printf(Locale.ROOT, "load average %.2f%n", loadAverage());
  }

  /** One timed batch on {@code r}, in ns; an allocation batch starts from a fresh child bank. */
  private static double batch(BankBenchmark.Rig r, BankBenchmark.Rig.Kind kind) {
    if (kind == BankBenchmark.Rig.Kind.ALLOC) {
      r.run(BankBenchmark.Rig.Kind.FRESH_BANK, 0);
    }
    long t0 = System.nanoTime();
    r.run(kind, IPC_CALLS);
    return System.nanoTime() - t0;
  }

  /** Quantiles of {@code t[1]} (capture on) over {@code t[0]} (off); sorts both. */
  private static void print(String name, double[][] t, int samples, String unit) {
    Arrays.sort(t[0]);
    Arrays.sort(t[1]);
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-9s", name));
    for (double q : QUANTILES) {
      int i = (int) (q * samples);
      line.append(
          String.format(
              Locale.ROOT,
              "  p%02d %.2f / %.2f %s = %.3f",
              Math.round(q * 100),
              t[1][i],
              t[0][i],
              unit,
              t[1][i] / t[0][i]));
    }
    System.out.println(line);
  }

  private static void run(CaptureBenchmark.Programs p, MethodHandle h, int kernel, int calls)
      throws Throwable {
    for (int c = 0; c < calls; c++) {
      switch (kernel) {
        case 0 -> sink += (int) h.invokeExact(p.message);
        case 1 -> sink += (int) h.invokeExact(p.left, p.right);
        default -> {
          System.arraycopy(p.unsorted, 0, p.scratch, 0, p.scratch.length);
          h.invokeExact(p.scratch);
          sink += p.scratch[p.scratch.length / 2];
        }
      }
    }
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }
}
