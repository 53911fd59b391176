package jackal.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Three two-CPU kernels of {@link SmpBenchmark}'s pairs in one JVM, measured in turn: {@code
 * unpinned}, whose pairs are placed by the kernel from their start as in {@code
 * ipc.throughput.cpus-2} (servers first dispatched on CPU 0, clients on CPU 1, idle CPUs stealing
 * from then on); {@code pinned}, whose pair {@code i} may run only on CPU {@code i mod 2}; and
 * {@code together}, born as the pinned one and unpinned once every process has run ({@link
 * PairsRig#bornTogether}). The kernels share the JVM's compiled code, its heap and the host's
 * minutes, so what differs between their figures is the kernels themselves: where their processes
 * were born and how they move. A round measures each for {@code seconds} (the order turning each
 * round) after a batch, and first the raw cross-core ping-pong, which says what the host's two
 * vCPUs were doing in that round (tens of ns: two hyperthreads of one core; hundreds: two cores).
 * Prints each round and the medians, in wall-clock ns per call (the inverse of calls per second).
 *
 * <p>Run from the bench jar: {@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED
 * --enable-native-access=ALL-UNNAMED -Xms2g -Xmx2g -XX:+UseParallelGC -XX:+UseCondCardMark
 * -XX:GCCardSizeInBytes=128 -cp 'bench/target/jackal-bench.jar:bench/target/lib/*'
 * jackal.bench.BirthProbe [rounds [seconds]]} (docs/BENCHMARKS.md, "Eighteenth session").
 */
public final class BirthProbe {
  private BirthProbe() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 0.3;
    long nanos = (long) (seconds * 1e9);
    String[] names = {"unpinned", "pinned", "together"};
    try (PairsRig unpinned = new PairsRig(2, SmpBenchmark.PAIRS, 50, false, false, -1);
        PairsRig pinned = new PairsRig(2, SmpBenchmark.PAIRS, 50, true, false, -1);
        PairsRig together = PairsRig.bornTogether(2, SmpBenchmark.PAIRS, 50)) {
      PairsRig[] rigs = {unpinned, pinned, together};
      long warm = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < warm) {
        for (PairsRig r : rigs) {
          r.run(SmpBenchmark.CALLS);
        }
      }
      KernelRig.tenure();
      double[][] ns = new double[rigs.length][rounds];
      for (int round = 0; round < rounds; round++) {
        double raw = SmpProbe.rawPingPongNanos();
        StringBuilder line =
            new StringBuilder(String.format(Locale.ROOT, "round %2d  raw %4.0f ns", round, raw));
        for (int i = 0; i < rigs.length; i++) {
          int which = (round + i) % rigs.length;
          ns[which][round] = nanosPerCall(rigs[which], nanos);
        }
        for (int which = 0; which < rigs.length; which++) {
          line.append(String.format(Locale.ROOT, "  %s %6.1f", names[which], ns[which][round]));
        }
        System.out.println(line);
      }
      for (int which = 0; which < rigs.length; which++) {
        double[] sorted = ns[which].clone();
        Arrays.sort(sorted);
        double median = sorted[rounds / 2];
        System.out.printf(
            Locale.ROOT,
            "%-9s median %6.1f ns per call (%.2f M calls/s)%n",
            names[which],
            median,
            1e3 / median);
      }
    }
  }

  /** Wall-clock ns per call of {@code rig} over batches for {@code nanos}, after one batch. */
  private static double nanosPerCall(PairsRig rig, long nanos) {
    rig.run(SmpBenchmark.CALLS);
    long t0 = System.nanoTime();
    long calls = 0;
    while (System.nanoTime() - t0 < nanos) {
      rig.run(SmpBenchmark.CALLS);
      calls += (long) SmpBenchmark.CALLS * SmpBenchmark.PAIRS;
    }
    return (double) (System.nanoTime() - t0) / calls;
  }
}
