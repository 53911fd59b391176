package jackal.bench;

import java.util.concurrent.TimeUnit;
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
