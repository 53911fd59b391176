package jackal.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The idle CPU's spin budget ({@code KernelConfig.idleSpinMicros}) against the cross-CPU round trip
 * (group {@code spin}): with no spin, each side of every call parks and must be unparked by the
 * other (an OS wake-up per message); with a budget longer than the other side's turn, neither
 * parks. The sweep shows where the round trip stops improving, which is where the default belongs:
 * every microsecond of budget is burned by a CPU that goes idle for good.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SpinBenchmark extends LauncherFork {
  static final int BATCH = 10_000;

  @State(Scope.Benchmark)
  public static class TwoCpus {
    @Param({"0", "2", "5", "20", "50", "200"})
    public long spinMicros;

    KernelRig rig;

    @Setup(Level.Trial)
    public void boot() {
      rig = new KernelRig(2, 2L, 1L, spinMicros);
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

  /** spin.cross-cpu[spinMicros=N]: the cross-CPU round trip with that spin budget. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long crossCpu(TwoCpus s) {
    return s.rig.run(KernelRig.Kind.ECHO, BATCH);
  }
}
