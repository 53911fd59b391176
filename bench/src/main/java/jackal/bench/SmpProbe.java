package jackal.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The SMP throughput of {@link SmpBenchmark} measured by CPU time instead of wall time, for a host
 * that other work shares: wall-clock throughput on a loaded host measures the host's scheduler,
 * while the CPU time the kernel's CPU threads are charged per call (from {@link ThreadMXBean}) does
 * not count the time a thread waits for a core. A call that costs more CPU time on two CPUs than on
 * one is paying for something the CPUs share (cache lines written by both, locks, steals).
 *
 * <p>Run from the bench jar: {@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xms2g
 * -Xmx2g -XX:+UseParallelGC -XX:+UseCondCardMark -XX:GCCardSizeInBytes=128 -cp
 * bench/target/jackal-bench.jar jackal.bench.SmpProbe [rounds [seconds [configurations]]]}. Each
 * round measures, in the order given (default {@code cpus-1,cpus-2,two-kernels}), one kernel of one
 * CPU, one of two CPUs, and two one-CPU kernels side by side, each for {@code seconds} after one
 * second of warm-up, and prints calls per second (wall), CPU nanoseconds per call, and the kernels'
 * scheduler counters over the measured time.
 *
 * <p>Two more configurations isolate the scheduler: {@code cpus-2-pinned} (the 2-CPU kernel with
 * each pair pinned to its CPU: no stealing, no migration) and {@code cpus-2-one-busy} (all 8 pairs
 * pinned to CPU 0 of a 2-CPU kernel: CPU 1 has nothing it may run, so any cost over {@code cpus-1}
 * is what an idle second CPU does to the first). {@code cpus-2-born-together} is the unpinned 2-CPU
 * rig with each pair's processes first dispatched on the same CPU, pairs spread evenly, and
 * unpinned from then on (see {@link PairsRig#bornTogether}).
 *
 * <p>With {@code -Djackal.bench.pinCpus=true}, each one-kernel configuration pins the kernel's CPU
 * threads to the host CPUs of their numbers ({@link HostCpu#pinKernelCpus}); the two-kernel one is
 * left where the OS puts it (both its kernels' CPU threads are CPU 0).
 */
public final class SmpProbe {
  private SmpProbe() {}

  /** One measured configuration: its wall and CPU figures over a stretch of batches. */
  record Figure(String name, long calls, long wallNanos, long cpuNanos, String stats) {
    double callsPerSecond() {
      return calls * 1e9 / wallNanos;
    }

    double cpuNanosPerCall() {
      return (double) cpuNanos / calls;
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%-12s %10.0f calls/s  %7.1f CPU ns/call  (%d calls)%n%s",
          name,
          callsPerSecond(),
          cpuNanosPerCall(),
          calls,
          stats.indent(14));
    }
  }

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    String which = args.length > 2 ? args[2] : "cpus-1,cpus-2,two-kernels";
    long nanos = (long) (seconds * 1e9);
    for (int r = 0; r < rounds; r++) {
      System.out.printf(Locale.ROOT, "round %d (load average %.2f)%n", r, loadAverage());
      Figure one = null;
      Figure two = null;
      Figure kernels = null;
      for (String config : which.split(",")) {
        switch (config) {
          case "cpus-1" -> {
            try (PairsRig rig = new PairsRig(1, SmpBenchmark.PAIRS, 50, false, false, -1)) {
              HostCpu.pinKernelCpusIfAsked();
              one = measure(config, nanos, new PairsRig[] {rig});
            }
            System.out.print(one);
          }
          case "cpus-2" -> {
            try (PairsRig rig = new PairsRig(2, SmpBenchmark.PAIRS, 50, false, false, -1)) {
              HostCpu.pinKernelCpusIfAsked();
              two = measure(config, nanos, new PairsRig[] {rig});
            }
            System.out.print(two);
          }
          case "cpus-2-pinned" -> {
            Figure f;
            try (PairsRig rig = new PairsRig(2, SmpBenchmark.PAIRS, 50, true, false, -1)) {
              HostCpu.pinKernelCpusIfAsked();
              f = measure(config, nanos, new PairsRig[] {rig});
            }
            System.out.print(f);
          }
          case "cpus-2-born-together" -> {
            Figure f;
            try (PairsRig rig = PairsRig.bornTogether(2, SmpBenchmark.PAIRS, 50)) {
              HostCpu.pinKernelCpusIfAsked();
              f = measure(config, nanos, new PairsRig[] {rig});
            }
            System.out.print(f);
          }
          case "cpus-2-one-busy" -> {
            Figure f;
            try (PairsRig rig = PairsRig.allOnCpu(2, SmpBenchmark.PAIRS, 50, 0)) {
              HostCpu.pinKernelCpusIfAsked();
              f = measure(config, nanos, new PairsRig[] {rig});
            }
            System.out.print(f);
          }
          case "cross-cpu" -> {
            Figure f = crossCpu(nanos, Long.getLong("jackal.probe.spin", 50));
            System.out.print(f);
          }
          case "two-kernels" -> {
            try (PairsRig a = new PairsRig(1, SmpBenchmark.PAIRS / 2, 50, false, false, -1);
                PairsRig b = new PairsRig(1, SmpBenchmark.PAIRS / 2, 50, false, false, -1)) {
              kernels = measure(config, nanos, new PairsRig[] {a, b});
            }
            System.out.print(kernels);
          }
          case "two-kernels-of-2" -> {
            // Two 2-CPU kernels, each with its pairs on one CPU (kernel a's on CPU 0, b's on CPU
            // 1): two-kernels' sharing (none) with a 2-CPU kernel's code paths.
            Figure f;
            try (PairsRig a = PairsRig.allOnCpu(2, SmpBenchmark.PAIRS / 2, 50, 0);
                PairsRig b = PairsRig.allOnCpu(2, SmpBenchmark.PAIRS / 2, 50, 1)) {
              f = measure(config, nanos, new PairsRig[] {a, b});
            }
            System.out.print(f);
          }
          default -> throw new IllegalArgumentException("no configuration " + config);
        }
      }
      if (one != null && two != null) {
        System.out.printf(
            Locale.ROOT,
            "scaling (wall) %.2f; CPU ns/call cpus-2 over cpus-1 %.2f%n",
            two.callsPerSecond() / one.callsPerSecond(),
            two.cpuNanosPerCall() / one.cpuNanosPerCall());
      }
      if (one != null && kernels != null) {
        System.out.printf(
            Locale.ROOT,
            "ceiling (wall) %.2f; CPU ns/call two-kernels over cpus-1 %.2f%n",
            kernels.callsPerSecond() / one.callsPerSecond(),
            kernels.cpuNanosPerCall() / one.cpuNanosPerCall());
      }
      System.out.println();
    }
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  /** Runs batches on all {@code rigs} at once: one second of warm-up, then {@code nanos}. */
  private static Figure measure(String name, long nanos, PairsRig[] rigs) {
    long warm = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < warm) {
      batch(rigs);
    }
    KernelRig.tenure();
    String[] before = new String[rigs.length];
    for (int i = 0; i < rigs.length; i++) {
      before[i] = rigs[i].statistics();
    }
    long[] perThread0 = cpuThreadTimes();
    long cpu0 = cpuThreadsTime();
    long t0 = System.nanoTime();
    long calls = 0;
    long end = t0 + nanos;
    while (System.nanoTime() < end) {
      calls += batch(rigs);
    }
    long wall = System.nanoTime() - t0;
    long cpu = cpuThreadsTime() - cpu0;
    long[] perThread = cpuThreadTimes();
    StringBuilder stats = new StringBuilder("CPU thread time, ms:");
    for (int i = 0; i < perThread.length && i < perThread0.length; i++) {
      stats.append(' ').append((perThread[i] - perThread0[i]) / 1_000_000);
    }
    stats.append('\n');
    for (int i = 0; i < rigs.length; i++) {
      stats.append(difference(before[i], rigs[i].statistics()));
    }
    return new Figure(name, calls, wall, cpu, stats.toString());
  }

  /**
   * The cross-CPU echo call of {@code IpcBenchmark.crossCpu} (client on CPU 0, server on CPU 1),
   * with idle CPUs spinning {@code spinMicros} before they park: calls per second, CPU time of both
   * CPU threads per call, and the counters (parks and missed steals per call say what the idle loop
   * did while each side waited for the other).
   */
  private static Figure crossCpu(long nanos, long spinMicros) {
    // The floor in the same run: where the host puts the two vCPUs moves it several times over.
    System.out.printf(Locale.ROOT, "raw cross-core ping-pong %.0f ns%n", rawPingPongNanos());
    try (KernelRig rig = new KernelRig(2, 2L, 1L, spinMicros)) {
      long warm = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < warm) {
        rig.run(KernelRig.Kind.ECHO, CROSS_BATCH);
      }
      KernelRig.tenure();
      String before = rig.statistics();
      long cpu0 = cpuThreadsTime();
      long t0 = System.nanoTime();
      long calls = 0;
      while (System.nanoTime() - t0 < nanos) {
        rig.run(KernelRig.Kind.ECHO, CROSS_BATCH);
        calls += CROSS_BATCH;
      }
      long wall = System.nanoTime() - t0;
      long cpu = cpuThreadsTime() - cpu0;
      return new Figure(
          "cross-cpu[spin=" + spinMicros + "]",
          calls,
          wall,
          cpu,
          difference(before, rig.statistics()));
    }
  }

  private static final int CROSS_BATCH = 2_000;

  /**
   * The round trip of {@code BaselineBenchmark.crossCorePingpong} (a word written by one spinning
   * thread and answered by another), over half a second after a quarter of warm-up.
   */
  static double rawPingPongNanos() {
    BaselineBenchmark.Echo echo = new BaselineBenchmark.Echo();
    echo.start();
    try {
      BaselineBenchmark b = new BaselineBenchmark();
      long warm = System.nanoTime() + 250_000_000L;
      while (System.nanoTime() < warm) {
        b.crossCorePingpong(echo);
      }
      long trips = 0;
      long t0 = System.nanoTime();
      while (System.nanoTime() - t0 < 500_000_000L) {
        b.crossCorePingpong(echo);
        trips += BaselineBenchmark.BATCH;
      }
      return (double) (System.nanoTime() - t0) / trips;
    } finally {
      try {
        echo.stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long batch(PairsRig[] rigs) {
    for (PairsRig r : rigs) {
      r.begin(SmpBenchmark.CALLS);
    }
    for (PairsRig r : rigs) {
      r.await();
    }
    return (long) SmpBenchmark.CALLS * SmpBenchmark.PAIRS;
  }

  /** CPU time of each live kernel CPU thread in this JVM, in nanoseconds, in thread id order. */
  static long[] cpuThreadTimes() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long[] ids = mx.getAllThreadIds();
    java.util.Arrays.sort(ids);
    return java.util.Arrays.stream(mx.getThreadInfo(ids))
        .filter(t -> t != null && t.getThreadName().startsWith("jackal-cpu-"))
        .mapToLong(t -> Math.max(0, mx.getThreadCpuTime(t.getThreadId())))
        .toArray();
  }

  /** CPU time of every kernel CPU thread in this JVM (of all rigs), in nanoseconds. */
  static long cpuThreadsTime() {
    return java.util.Arrays.stream(cpuThreadTimes()).sum();
  }

  /** The counters of {@code after} less those of {@code before}, line by line (same format). */
  static String difference(String before, String after) {
    String[] b = before.split("\n");
    String[] a = after.split("\n");
    StringBuilder out = new StringBuilder();
    for (int line = 0; line < a.length; line++) {
      String[] bw = line < b.length ? b[line].split(" ") : new String[0];
      String[] aw = a[line].split(" ");
      StringBuilder l = new StringBuilder();
      for (int w = 0; w < aw.length; w++) {
        int eq = aw[w].indexOf('=');
        if (eq < 0 || w >= bw.length) {
          l.append(aw[w]);
        } else {
          long d =
              Long.parseLong(aw[w].substring(eq + 1)) - Long.parseLong(bw[w].substring(eq + 1));
          l.append(aw[w], 0, eq + 1).append(d);
        }
        l.append(' ');
      }
      out.append(l.toString().strip()).append('\n');
    }
    return out.toString();
  }
}
