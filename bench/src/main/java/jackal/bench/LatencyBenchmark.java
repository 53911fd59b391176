package jackal.bench;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
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
 * Latency distributions of one call under load ({@link PairsRig#probe}): a two-CPU kernel where
 * {@value #BACKGROUND} background pairs (one per CPU) call without pause, and a measured client on
 * CPU 0 times each of its calls into an HdrHistogram, its server on CPU 0 (same-CPU) or CPU 1
 * (cross-CPU). The primary score is the mean; the percentiles are JMH secondary results ({@link
 * Percentiles}) of the one measured iteration, printed as {@code ipc.latency.*.p50/p99/p99.9}.
 *
 * <p>What the tail shows is the scheduler's time sharing: the measured client shares CPU 0 with a
 * background pair, and a call that meets the end of a slice waits for the other pair's slice.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 1, time = 3)
public class LatencyBenchmark extends LauncherFork {
  static final int BACKGROUND = 2;

  /**
   * Calls per probe: a cross-CPU call that meets a busy CPU on either side waits up to a slice (500
   * us) on each, so a probe takes up to a second.
   */
  static final int BATCH = 1_000;

  @State(Scope.Benchmark)
  public abstract static class UnderLoad {
    PairsRig rig;

    abstract int serverOffset();

    @Setup(Level.Trial)
    public void boot() {
      rig = new PairsRig(2, BACKGROUND, 50, true, true, serverOffset());
      rig.startLoad();
    }

    @Setup(Level.Iteration)
    public void reset() {
      KernelRig.tenure();
      rig.latencies().reset();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      rig.close();
    }
  }

  public static class SameCpu extends UnderLoad {
    @Override
    int serverOffset() {
      return 0;
    }
  }

  public static class CrossCpu extends UnderLoad {
    @Override
    int serverOffset() {
      return 1;
    }
  }

  /**
   * Percentiles of the current iteration's calls so far, in ns. JMH adds EVENTS counters over the
   * measured iterations; with one measured iteration that sum is the iteration's value.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Percentiles {
    public double p50;
    public double p99;
    public double p999;

    @Setup(Level.Iteration)
    public void clear() {
      p50 = 0;
      p99 = 0;
      p999 = 0;
    }

    void from(Histogram h) {
      p50 = h.getValueAtPercentile(50);
      p99 = h.getValueAtPercentile(99);
      p999 = h.getValueAtPercentile(99.9);
    }
  }

  /** ipc.latency.same-cpu: the measured call with its server on its own CPU. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void sameCpu(SameCpu s, Percentiles out) {
    s.rig.probe(BATCH);
    out.from(s.rig.latencies());
  }

  /** ipc.latency.cross-cpu: the measured call with its server on the other CPU. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void crossCpu(CrossCpu s, Percentiles out) {
    s.rig.probe(BATCH);
    out.from(s.rig.latencies());
  }
}
