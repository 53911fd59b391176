package jackal.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * The creation part of {@code scale.processes} alone, for comparing JVM configurations quickly: no
 * class histograms and no full collections around it (ScaleBenchmark's memory figures need them,
 * and on a heap of a million processes they take longer than the creation itself). Boots a kernel
 * as {@link ScaleBenchmark} does, makes the same warm-up servers, then makes and starts {@code n}
 * servers through the boot API and waits until all wait in receive; prints the creation rate by the
 * wall clock and by the creating thread's CPU time, the bytes it allocated per process, and the
 * collectors' time and count meanwhile (the figures ScaleBenchmark reports as {@code
 * processes-created-per-s}, {@code processes-created-per-cpu-s}, {@code creation-bytes}).
 *
 * <p>Run from the bench jar with the flags under test: {@code java
 * --add-exports=java.base/jdk.internal.vm=ALL-UNNAMED --enable-native-access=ALL-UNNAMED -Xmx6g
 * -XX:+UseParallelGC -XX:+UseCondCardMark -XX:GCCardSizeInBytes=128 [FLAGS] -cp
 * 'bench/target/jackal-bench.jar:bench/target/lib/*' jackal.bench.ScaleProbe [processes [seed]]}.
 */
public final class ScaleProbe {
  private ScaleProbe() {}

  public static void main(String[] args) throws Exception {
    int n =
        args.length > 0 ? Integer.parseInt(args[0]) : Integer.parseInt(ScaleBenchmark.PROCESSES);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
    System.out.printf(
        Locale.ROOT,
        "scale probe: %d processes, seed %d, load average %.2f, flags %s%n",
        n,
        seed,
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    long t0 = System.nanoTime();
    try (ScaleRig rig = new ScaleRig(2, n + ScaleBenchmark.WARM_OIDS, "trap", seed)) {
      rig.createServers(ScaleBenchmark.WARM_SERVERS, 16, true);
      rig.awaitWaiting();
      long gcCount0 = gcCount();
      System.out.printf(
          Locale.ROOT, "kernel booted and warmed up in %.3f s%n", (System.nanoTime() - t0) / 1e9);
      ScaleRig.Made made = rig.createServers(n, 16, false);
      long gcCount1 = gcCount();
      long waiting = rig.awaitWaiting();
      long wall = made.makeNanos() + made.startNanos();
      System.out.printf(
          Locale.ROOT,
          "created %d in %.3f s wall (made %.3f, started %.3f): %.0f a second by the wall clock,"
              + " %.0f a CPU-second of the creating thread (%.1f ns CPU, %.1f B allocated each);"
              + " collectors %d ms in %d collections meanwhile; all waiting %.3f s later%n",
          n,
          wall / 1e9,
          made.makeNanos() / 1e9,
          made.startNanos() / 1e9,
          n * 1e9 / wall,
          n * 1e9 / made.cpu(),
          (double) made.cpu() / n,
          (double) made.bytes() / n,
          made.gcMillis(),
          gcCount1 - gcCount0,
          waiting / 1e9);
    }
  }

  private static long gcCount() {
    long count = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, gc.getCollectionCount());
    }
    return count;
  }
}
