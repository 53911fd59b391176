package jackal.bench;

import java.util.Locale;

/**
 * The cross-CPU echo call of {@link IpcBenchmark#crossCpu} (client on CPU 0, server on CPU 1) in
 * long timed batches, with the kernel's counters printed at the end: how many calls were shipped
 * ({@code ships-sent}), how many of those the caller waited for on its own CPU ({@code
 * ships-stayed}), how often each CPU parked. For A/B runs and profiles of the cross-CPU path
 * (docs/BENCHMARKS.md, "Thirteenth session"), where a JMH fork hides the counters.
 *
 * <p>Run from the bench jar: {@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED
 * --enable-native-access=ALL-UNNAMED -Xms2g -Xmx2g -XX:+UseParallelGC -XX:+UseCondCardMark
 * -XX:GCCardSizeInBytes=128 -cp "bench/target/jackal-bench.jar:bench/target/lib/*"
 * jackal.bench.CrossCpuProbe [rounds [spinMicros [view]]]}. It warms up with 40 batches of 20 000
 * calls, then per round collects the heap ({@link KernelRig#tenure}) and times one batch of 200
 * 000; with {@code view}, each round first takes a view of the whole system ({@link
 * KernelRig#view}, which locks every object from outside the CPUs as a checkpoint does). With
 * {@code -Djackal.bench.pinCpus=true} the kernel's CPU threads are pinned to the host CPUs of their
 * numbers ({@link HostCpu#pinKernelCpus}), for A/B runs that do not depend on where the OS put them
 * (docs/BENCHMARKS.md, "Seventeenth session").
 */
public final class CrossCpuProbe {
  private CrossCpuProbe() {}

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    long spinMicros =
        args.length > 1
            ? Long.parseLong(args[1])
            : jackal.kernel.boot.KernelConfig.defaults().idleSpinMicros();
    boolean view = args.length > 2 && args[2].equals("view");
    if (args.length > 2 && !view) {
      throw new IllegalArgumentException("the third argument is 'view' or nothing, not " + args[2]);
    }
    int batch = 200_000;
    try (KernelRig rig = new KernelRig(2, 2L, 1L, spinMicros)) {
      HostCpu.pinKernelCpusIfAsked();
      for (int i = 0; i < 40; i++) {
        rig.run(KernelRig.Kind.ECHO, 20_000);
      }
      for (int r = 0; r < rounds; r++) {
        if (view) {
          rig.view();
        }
        KernelRig.tenure();
        long t = System.nanoTime();
        rig.run(KernelRig.Kind.ECHO, batch);
        System.out.printf(Locale.ROOT, "%.0f ns/call%n", (System.nanoTime() - t) / (double) batch);
      }
      System.out.println(rig.statistics());
    }
  }
}
