package jackal.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link SmpBenchmark}'s throughputs taken in one fork ({@link LauncherFork}'s): the one-CPU
 * kernel, the two-CPU kernel and the two one-CPU kernels in turn, so that {@code
 * ipc.smp.scaling.paired} and {@code ipc.smp.ceiling.paired} divide figures of the same minutes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SmpPairedBenchmark extends LauncherFork {
  /**
   * The three kernels of {@link SmpBenchmark} in one JVM ({@link #throughputPaired}): a one-CPU
   * kernel and a two-CPU kernel of {@value SmpBenchmark#PAIRS} pairs each, and two one-CPU kernels
   * of half as many. Each batch runs on one of them while the others' CPUs are parked.
   */
  @State(Scope.Benchmark)
  public static class AllThree {
    PairsRig one;
    PairsRig two;
    PairsRig halfA;
    PairsRig halfB;

    @Setup(Level.Trial)
    public void boot() {
      one = new PairsRig(1, SmpBenchmark.PAIRS, 50, false, false, -1);
      two = new PairsRig(2, SmpBenchmark.PAIRS, 50, false, false, -1);
      halfA = new PairsRig(1, SmpBenchmark.PAIRS / 2, 50, false, false, -1);
      halfB = new PairsRig(1, SmpBenchmark.PAIRS / 2, 50, false, false, -1);
    }

    @Setup(Level.Iteration)
    public void tenure() {
      KernelRig.tenure();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      one.close();
      two.close();
      halfA.close();
      halfB.close();
    }
  }

  /**
   * The calls per second of each kernel of {@link #throughputPaired} over the iteration's batches,
   * JMH secondary results. JMH sums an EVENTS counter over the measured iterations, so the
   * benchmark measures one.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Throughputs {
    public double oneCpu;
    public double twoCpus;
    public double twoKernels;
    private final long[] nanos = new long[3];
    private final long[] calls = new long[3];

    /** Which kernel runs first in the next invocation: each goes first in turn. */
    private int turn;

    @Setup(Level.Iteration)
    public void clear() {
      oneCpu = 0;
      twoCpus = 0;
      twoKernels = 0;
      java.util.Arrays.fill(nanos, 0);
      java.util.Arrays.fill(calls, 0);
    }

    void add(int kernel, long took, long made) {
      nanos[kernel] += took;
      calls[kernel] += made;
      double perSecond = calls[kernel] * 1e9 / nanos[kernel];
      switch (kernel) {
        case 0 -> oneCpu = perSecond;
        case 1 -> twoCpus = perSecond;
        default -> twoKernels = perSecond;
      }
    }
  }

  /**
   * ipc.smp.scaling.paired: a batch of {@link SmpBenchmark#throughputOneCpu}, one of {@link
   * SmpBenchmark#throughputTwoCpus} and one of {@link SmpBenchmark#throughputTwoKernels} in every
   * invocation, in one JVM, the order turning with each invocation; each kernel's calls per second
   * are the secondary results {@code oneCpu}, {@code twoCpus} and {@code twoKernels}. Taken this
   * way, the two-CPU figure is divided by a one-CPU figure of the same minutes, and beside them
   * stands the host's ceiling of those minutes: forks a minute apart can meet the host's two vCPUs
   * in different modes (docs/BENCHMARKS.md, "Eighteenth session"). The primary score is all three
   * kernels' calls together.
   */
  @Benchmark
  @OperationsPerInvocation(3 * SmpBenchmark.PAIRS * SmpBenchmark.CALLS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 1, time = 10)
  public void throughputPaired(AllThree s, Throughputs out) {
    int first = out.turn++ % 3;
    for (int i = 0; i < 3; i++) {
      int kernel = (first + i) % 3;
      long t0 = System.nanoTime();
      switch (kernel) {
        case 0 -> s.one.run(SmpBenchmark.CALLS);
        case 1 -> s.two.run(SmpBenchmark.CALLS);
        default -> {
          s.halfA.begin(SmpBenchmark.CALLS);
          s.halfB.begin(SmpBenchmark.CALLS);
          s.halfA.await();
          s.halfB.await();
        }
      }
      out.add(kernel, System.nanoTime() - t0, (long) SmpBenchmark.PAIRS * SmpBenchmark.CALLS);
    }
  }
}
