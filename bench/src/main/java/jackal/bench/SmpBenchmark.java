package jackal.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * Throughput of many independent client/server pairs, in calls per second, on one CPU and on two
 * ({@link PairsRig}): {@code ipc.throughput.cpus-1}, {@code ipc.throughput.cpus-2}, and their
 * quotient {@code ipc.smp.scaling}. The same {@value #PAIRS} pairs in both kernels, so the work per
 * batch is the same and only the number of CPUs it is spread over differs.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
// Three forks: how fast two CPUs run unpinned pairs depends on the JVM as much as on the build
// (fast and slow JVMs of one jar: docs/BENCHMARKS.md, "Unpinned pairs"), so one fork is one draw.
@Fork(
    value = 3,
    jvmArgsAppend = {
      Jvm.EXPORTS,
      Jvm.NATIVE,
      Jvm.HEAP_MIN,
      Jvm.HEAP_MAX,
      Jvm.GC,
      Jvm.CARD_MARK,
      Jvm.CARD_SIZE
    })
public class SmpBenchmark {
  /** Client/server pairs: several per CPU, so a CPU always has a pair to run. */
  public static final int PAIRS = 8;

  /** Calls per pair per batch. */
  public static final int CALLS = 10_000;

  @State(Scope.Benchmark)
  public abstract static class Pairs {
    PairsRig rig;

    abstract int cpus();

    @Setup(Level.Trial)
    public void boot() {
      rig = new PairsRig(cpus(), PAIRS, 50, false, false, -1);
    }

    @Setup(Level.Iteration)
    public void tenure() {
      KernelRig.tenure();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      rig.close();
    }
  }

  public static class OneCpu extends Pairs {
    @Override
    int cpus() {
      return 1;
    }
  }

  public static class TwoCpus extends Pairs {
    @Override
    int cpus() {
      return 2;
    }
  }

  /**
   * Two one-CPU kernels of half the pairs each, side by side in this JVM: nothing of a kernel is
   * shared, so what keeps their sum from twice {@code ipc.throughput.cpus-1} is the JVM and the
   * host (memory bandwidth, the other helpers' load, the hypervisor's vCPUs). The ceiling for
   * {@code ipc.smp.scaling} on this machine at this moment.
   */
  @State(Scope.Benchmark)
  public static class TwoKernels {
    PairsRig a;
    PairsRig b;

    @Setup(Level.Trial)
    public void boot() {
      a = new PairsRig(1, PAIRS / 2, 50, false, false, -1);
      b = new PairsRig(1, PAIRS / 2, 50, false, false, -1);
    }

    @Setup(Level.Iteration)
    public void tenure() {
      KernelRig.tenure();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      a.close();
      b.close();
    }
  }

  /**
   * The three kernels above in one JVM ({@link #throughputPaired}): a one-CPU kernel and a two-CPU
   * kernel of {@value #PAIRS} pairs each, and two one-CPU kernels of half as many. Each batch runs
   * on one of them while the others' CPUs are parked.
   */
  @State(Scope.Benchmark)
  public static class AllThree {
    PairsRig one;
    PairsRig two;
    PairsRig halfA;
    PairsRig halfB;

    @Setup(Level.Trial)
    public void boot() {
      one = new PairsRig(1, PAIRS, 50, false, false, -1);
      two = new PairsRig(2, PAIRS, 50, false, false, -1);
      halfA = new PairsRig(1, PAIRS / 2, 50, false, false, -1);
      halfB = new PairsRig(1, PAIRS / 2, 50, false, false, -1);
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

  /** ipc.throughput.cpus-1: eight pairs on one CPU, calls per second. */
  @Benchmark
  @OperationsPerInvocation(PAIRS * CALLS)
  public void throughputOneCpu(OneCpu s) {
    s.rig.run(CALLS);
  }

  /** ipc.throughput.cpus-2: the same eight pairs, four on each of two CPUs. */
  @Benchmark
  @OperationsPerInvocation(PAIRS * CALLS)
  public void throughputTwoCpus(TwoCpus s) {
    s.rig.run(CALLS);
  }

  /**
   * ipc.smp.scaling.paired: a batch of {@link #throughputOneCpu}, one of {@link #throughputTwoCpus}
   * and one of {@link #throughputTwoKernels} in every invocation, in one JVM, the order turning
   * with each invocation; each kernel's calls per second are the secondary results {@code oneCpu},
   * {@code twoCpus} and {@code twoKernels}. Taken this way, the two-CPU figure is divided by a
   * one-CPU figure of the same minutes, and beside them stands the host's ceiling of those minutes:
   * forks a minute apart can meet the host's two vCPUs in different modes (docs/BENCHMARKS.md,
   * "Eighteenth session"). The primary score is all three kernels' calls together.
   */
  @Benchmark
  @OperationsPerInvocation(3 * PAIRS * CALLS)
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 1, time = 10)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        Jvm.EXPORTS,
        Jvm.NATIVE,
        Jvm.HEAP_MIN,
        Jvm.HEAP_MAX,
        Jvm.GC,
        Jvm.CARD_MARK,
        Jvm.CARD_SIZE
      })
  public void throughputPaired(AllThree s, Throughputs out) {
    int first = out.turn++ % 3;
    for (int i = 0; i < 3; i++) {
      int kernel = (first + i) % 3;
      long t0 = System.nanoTime();
      switch (kernel) {
        case 0 -> s.one.run(CALLS);
        case 1 -> s.two.run(CALLS);
        default -> {
          s.halfA.begin(CALLS);
          s.halfB.begin(CALLS);
          s.halfA.await();
          s.halfB.await();
        }
      }
      out.add(kernel, System.nanoTime() - t0, (long) PAIRS * CALLS);
    }
  }

  /** analysis.throughput.two-kernels: four pairs in each of two one-CPU kernels at once. */
  @Benchmark
  @OperationsPerInvocation(PAIRS * CALLS)
  public void throughputTwoKernels(TwoKernels s) {
    s.a.begin(CALLS);
    s.b.begin(CALLS);
    s.a.await();
    s.b.await();
  }
}
