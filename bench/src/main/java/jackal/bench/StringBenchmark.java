package jackal.bench;

import java.util.concurrent.TimeUnit;
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
 * Calls carrying an indirect string, per call: the client sends 4 KiB or 64 KiB from its
 * three-level space, the server receives them into its 64 KiB buffer and replies with nothing (one
 * CPU, {@link SpaceRig}). The baselines are what the same bytes cost without the kernel's string
 * transfer: {@code System.arraycopy} between two Java arrays plus the same call carrying no string,
 * by the same client process to the same server.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StringBenchmark extends LauncherFork {
  /**
   * Calls per invocation with a 4 KiB string: 7-15 ms, so the ~16 µs a batch costs besides its
   * calls (docs/BENCHMARKS.md, harness overhead) is at most 0.25% of the baseline's batch.
   */
  public static final int CALLS_4K = 20_000;

  /** Calls per invocation with a 64 KiB string: 10-50 ms (batch cost at most 0.16%). */
  public static final int CALLS_64K = 10_000;

  static final int KIB_4 = 4 * 1024;
  static final int KIB_64 = 64 * 1024;

  @State(Scope.Benchmark)
  public static class Rig {
    SpaceRig rig;

    @Setup(Level.Trial)
    public void boot() {
      rig = new SpaceRig();
      rig.verify();
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

  /** ipc.string.4k. */
  @Benchmark
  @OperationsPerInvocation(CALLS_4K)
  public long string4k(Rig s) {
    return s.rig.run(SpaceRig.Kind.STRING, CALLS_4K, KIB_4);
  }

  /** ipc.string.64k. */
  @Benchmark
  @OperationsPerInvocation(CALLS_64K)
  public long string64k(Rig s) {
    return s.rig.run(SpaceRig.Kind.STRING, CALLS_64K, KIB_64);
  }

  /** baseline.string.4k: arraycopy of 4 KiB plus the empty call. */
  @Benchmark
  @OperationsPerInvocation(CALLS_4K)
  public long arraycopy4k(Rig s) {
    return s.rig.run(SpaceRig.Kind.ARRAYCOPY_CALL, CALLS_4K, KIB_4);
  }

  /** baseline.string.64k: arraycopy of 64 KiB plus the empty call. */
  @Benchmark
  @OperationsPerInvocation(CALLS_64K)
  public long arraycopy64k(Rig s) {
    return s.rig.run(SpaceRig.Kind.ARRAYCOPY_CALL, CALLS_64K, KIB_64);
  }
}
