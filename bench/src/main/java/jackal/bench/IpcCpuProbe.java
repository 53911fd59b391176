package jackal.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The same-CPU call of {@link IpcBenchmark#sameCpu} against the bare continuation ping-pong of
 * {@link BaselineBenchmark#continuationPingpong}, measured by CPU time instead of wall time, for a
 * host that other work shares: the CPU time a thread is charged ({@link ThreadMXBean}) does not
 * count the time it waits for a core, so the ratio of the two stays meaningful at a load where
 * JMH's wall-clock errors exceed its scores.
 *
 * <p>Run from the bench jar: {@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xms2g
 * -Xmx2g -XX:+UseParallelGC -XX:+UseCondCardMark -XX:GCCardSizeInBytes=128 -cp
 * bench/target/jackal-bench.jar jackal.bench.IpcCpuProbe [rounds [calls]]}. It boots {@code
 * KernelRig(1, 1, 1)} as the benchmark does, warms up with 30 batches of each kind, then per round
 * runs, after a full GC, one batch of {@code calls} echo calls (the CPU time of the kernel's one
 * CPU thread), one of {@code calls} Discrim.classify calls, {@code calls} ping-pong round trips on
 * this thread, and {@code calls} round trips of a nested ping-pong (one switch per round trip, see
 * {@link Nested}), and {@code calls} echo calls between two programs loaded from pages ({@link
 * LoadedPairRig}, the CPU time of its own kernel's CPU thread); it prints each round and the
 * medians. Add {@code --enable-native-access=ALL-UNNAMED} for the in-place run of same-CPU calls;
 * without it the kernel runs every call through its dispatch loop (the A/B of docs/BENCHMARKS.md).
 */
public final class IpcCpuProbe {
  private IpcCpuProbe() {}

  private static final ContinuationScope SCOPE = new ContinuationScope("probe");

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    PingPong pp = new PingPong();
    Nested nested = new Nested();
    try (KernelRig rig = new KernelRig(1, 1L, 1L)) {
      long cpu = cpuThreadId(mx, -1);
      LoadedPairRig loadedRig;
      try {
        loadedRig = new LoadedPairRig();
      } catch (jackal.kernel.boot.ProgramRefusedException e) {
        throw new IllegalStateException(e);
      }
      long loadedCpu = cpuThreadId(mx, cpu);
      for (int i = 0; i < 30; i++) {
        rig.run(KernelRig.Kind.ECHO, 20_000);
        loadedRig.run(20_000);
        rig.run(KernelRig.Kind.CLASSIFY, 20_000);
        pp.run(20_000);
        nested.run(20_000);
      }
      double[] echo = new double[rounds];
      double[] classify = new double[rounds];
      double[] ping = new double[rounds];
      double[] nest = new double[rounds];
      double[] loaded = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        KernelRig.tenure();
        long t0 = mx.getThreadCpuTime(cpu);
        rig.run(KernelRig.Kind.ECHO, calls);
        long t1 = mx.getThreadCpuTime(cpu);
        rig.run(KernelRig.Kind.CLASSIFY, calls);
        long t2 = mx.getThreadCpuTime(cpu);
        long l0 = mx.getThreadCpuTime(loadedCpu);
        loadedRig.run(calls);
        long l1 = mx.getThreadCpuTime(loadedCpu);
        loaded[r] = (double) (l1 - l0) / calls;
        long p0 = mx.getCurrentThreadCpuTime();
        pp.run(calls);
        long p1 = mx.getCurrentThreadCpuTime();
        nested.run(calls);
        long p2 = mx.getCurrentThreadCpuTime();
        nest[r] = (double) (p2 - p1) / calls;
        echo[r] = (double) (t1 - t0) / calls;
        classify[r] = (double) (t2 - t1) / calls;
        ping[r] = (double) (p1 - p0) / calls;
        System.out.printf(
            Locale.ROOT,
            "round %d: echo %.1f  loaded echo %.1f  classify %.1f  ping-pong %.1f  nested %.1f"
                + "  ratio %.2f  loaded ratio %.2f  (load %.2f)%n",
            r,
            echo[r],
            loaded[r],
            classify[r],
            ping[r],
            nest[r],
            echo[r] / ping[r],
            loaded[r] / ping[r],
            ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
      System.out.printf(
          Locale.ROOT,
          "median CPU ns/op: echo %.1f  loaded echo %.1f  classify %.1f  ping-pong %.1f  nested"
              + " %.1f  ratio %.2f  loaded ratio %.2f%n",
          median(echo),
          median(loaded),
          median(classify),
          median(ping),
          median(nest),
          median(echo) / median(ping),
          median(loaded) / median(ping));
      System.out.println(
          "in place: "
              + (jackal.kernel.boot.Kernel.inPlaceUnavailable() == null
                  ? "available"
                  : "unavailable, " + jackal.kernel.boot.Kernel.inPlaceUnavailable()));
      System.out.println("trusted rig: " + rig.statistics());
      System.out.println("loaded rig:  " + loadedRig.statistics());
      loadedRig.close();
    }
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** The id of a thread named jackal-cpu-0 other than {@code not} (one per kernel). */
  private static long cpuThreadId(ThreadMXBean mx, long not) {
    for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (t != null && t.getThreadName().equals("jackal-cpu-0") && t.getThreadId() != not) {
        return t.getThreadId();
      }
    }
    throw new IllegalStateException("no thread jackal-cpu-0");
  }

  /**
   * A round trip with one switch instead of two: A runs B <em>inside</em> itself (a nested
   * continuation) and B yields back into A, so A never yields. What a call could cost if the
   * caller's trap ran its server in place instead of yielding to the dispatch loop.
   */
  private static final class Nested {
    long request;
    long reply;
    int n;
    final Continuation b =
        new Continuation(
            SCOPE,
            () -> {
              for (; ; ) {
                reply = request + 1;
                Continuation.yield(SCOPE);
              }
            });
    final Continuation a =
        new Continuation(
            SCOPE,
            () -> {
              for (; ; ) {
                for (int i = 0; i < n; i++) {
                  request = i;
                  b.run();
                }
                Continuation.yield(SCOPE);
              }
            });

    long run(int calls) {
      n = calls;
      a.run();
      return reply;
    }
  }

  /** The loop of {@link BaselineBenchmark#continuationPingpong}. */
  private static final class PingPong {
    long request;
    long reply;
    final Continuation a =
        new Continuation(
            SCOPE,
            () -> {
              for (long i = 0; ; i++) {
                request = i;
                Continuation.yield(SCOPE);
              }
            });
    final Continuation b =
        new Continuation(
            SCOPE,
            () -> {
              for (; ; ) {
                reply = request + 1;
                Continuation.yield(SCOPE);
              }
            });

    long run(int n) {
      for (int i = 0; i < n; i++) {
        a.run();
        b.run();
      }
      return reply;
    }
  }
}
