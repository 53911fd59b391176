package jackal.bench;

import java.util.Arrays;
import java.util.Locale;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * The same-CPU call of {@link IpcBenchmark#sameCpu} and the bare continuation ping-pong of {@link
 * BaselineBenchmark#continuationPingpong}, alternated in one JVM by wall-clock time: one line per
 * JVM, for A/B runs of many JVMs per build, where each JVM's ratio is taken against its own
 * ping-pong (this host moves between a fast and a slow mode, and each JVM lays its objects out its
 * own way: docs/BENCHMARKS.md, "Fifteenth session").
 *
 * <p>Run from the bench jar: {@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED
 * --enable-native-access=ALL-UNNAMED -Xms2g -Xmx2g -XX:+UseParallelGC -XX:+UseCondCardMark
 * -XX:GCCardSizeInBytes=128 -cp "bench/target/jackal-bench.jar:bench/target/lib/*"
 * jackal.bench.SameCpuProbe [rounds [calls]]}. It boots {@code KernelRig(1, 1, 1)} as the benchmark
 * does, warms up with three rounds, then per round times {@code calls} echo calls and {@code calls}
 * ping-pong round trips, and prints the medians over the rounds (ns per round trip) and their
 * ratio: {@code call pingpong ratio}. A third argument {@code view} takes a view of the whole
 * system ({@code Kernel.view}, which locks every object from outside the CPUs as a checkpoint does)
 * before every round, warm-up included, and collects the view's copy before the round is timed.
 *
 * <p>The whole JVM runs on one host CPU ({@link HostCpu}: the last one, or {@code
 * -Djackal.bench.hostCpu=N}, or {@code off}): unpinned, the kernel's CPU thread and the ping-pong's
 * thread could sit on two vCPUs that run a third apart, and the ratio would be the host's.
 */
public final class SameCpuProbe {
  private SameCpuProbe() {}

  private static final ContinuationScope SCOPE = new ContinuationScope("same-cpu-probe");

  private static long request;
  private static long reply;

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 11;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    boolean view = args.length > 2 && args[2].equals("view");
    if (args.length > 2 && !view) {
      throw new IllegalArgumentException("the third argument is 'view' or nothing, not " + args[2]);
    }
    HostCpu.pinFromProperty(); // the call and the ping-pong on one host CPU, as in the benchmarks
    Continuation a =
        new Continuation(
            SCOPE,
            () -> {
              for (long i = 0; ; i++) {
                request = i;
                Continuation.yield(SCOPE);
              }
            });
    Continuation b =
        new Continuation(
            SCOPE,
            () -> {
              for (; ; ) {
                reply = request + 1;
                Continuation.yield(SCOPE);
              }
            });
    try (KernelRig rig = new KernelRig(1, 1L, 1L)) {
      for (int w = 0; w < 3; w++) {
        if (view) {
          rig.view();
        }
        rig.run(KernelRig.Kind.ECHO, calls);
        pingPong(a, b, calls);
      }
      KernelRig.tenure();
      double[] call = new double[rounds];
      double[] pingPong = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        if (view) {
          rig.view();
          KernelRig.tenure(); // the view's copy is garbage: collected before the round, not in it
        }
        long t0 = System.nanoTime();
        rig.run(KernelRig.Kind.ECHO, calls);
        long t1 = System.nanoTime();
        pingPong(a, b, calls);
        long t2 = System.nanoTime();
        call[r] = (t1 - t0) / (double) calls;
        pingPong[r] = (t2 - t1) / (double) calls;
      }
      Arrays.sort(call);
      Arrays.sort(pingPong);
      double c = call[rounds / 2];
      double p = pingPong[rounds / 2];
      System.out.printf(Locale.ROOT, "%.1f %.1f %.3f (reply %d)%n", c, p, c / p, reply);
    }
  }

  private static void pingPong(Continuation a, Continuation b, int n) {
    for (int i = 0; i < n; i++) {
      a.run();
      b.run();
    }
  }
}
