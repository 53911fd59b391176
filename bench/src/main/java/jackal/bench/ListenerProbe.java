package jackal.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The multi-listener experiment ({@link MultiListenerBenchmark}) measured by CPU time, as {@link
 * SmpProbe} measures the pairs, for a host that other work shares; it also prints the share of
 * calls answered by a listener on another CPU than the caller's ({@code far}) and of calls whose
 * listener did not hold the caller's state ({@code misses}).
 *
 * <p>{@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xms2g -Xmx2g
 * -XX:+UseParallelGC -XX:+UseCondCardMark -cp bench/target/jackal-bench.jar
 * jackal.bench.ListenerProbe [rounds [seconds]]}
 */
public final class ListenerProbe {
  private ListenerProbe() {}

  /** Calls per client per batch: fewer than the benchmark's, as one listener serves slowly. */
  private static final int BATCH = 2_000;

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    long nanos = (long) (seconds * 1e9);
    for (int r = 0; r < rounds; r++) {
      System.out.printf(
          Locale.ROOT,
          "round %d (load average %.2f)%n",
          r,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      for (ListenerRig.Mode mode : ListenerRig.Mode.values()) {
        try (ListenerRig rig =
            new ListenerRig(
                mode, 2, MultiListenerBenchmark.CLIENTS, MultiListenerBenchmark.LISTENERS)) {
          measure(mode, rig, nanos);
        }
      }
      System.out.println();
    }
  }

  private static void measure(ListenerRig.Mode mode, ListenerRig rig, long nanos) {
    long warm = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < warm) {
      rig.run(BATCH);
    }
    KernelRig.tenure();
    String before = rig.statistics();
    long far0 = rig.farCalls();
    long miss0 = rig.stateMisses();
    long cpu0 = SmpProbe.cpuThreadsTime();
    long t0 = System.nanoTime();
    long calls = 0;
    while (System.nanoTime() - t0 < nanos) {
      rig.run(BATCH);
      calls += (long) BATCH * MultiListenerBenchmark.CLIENTS;
    }
    long wall = System.nanoTime() - t0;
    long cpu = SmpProbe.cpuThreadsTime() - cpu0;
    System.out.printf(
        Locale.ROOT,
        "%-10s %10.0f calls/s  %7.1f CPU ns/call  far %5.1f%%  misses %5.1f%%  (%d calls)%n%s",
        mode,
        calls * 1e9 / wall,
        (double) cpu / calls,
        100.0 * (rig.farCalls() - far0) / calls,
        100.0 * (rig.stateMisses() - miss0) / calls,
        calls,
        SmpProbe.difference(before, rig.statistics()).indent(11));
  }
}
