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
 * A process's memory accesses, per 64-bit access: {@code SystemCalls.loadLong}/{@code storeLong}
 * through a three-level GPT space with a warm translation cache, against the same access pattern on
 * a plain {@code long[]}, both run by the same kernel process ({@link SpaceRig}).
 *
 * <p>The baseline runs inside the kernel process rather than on the JMH thread so that the two
 * figures differ only in the access: same thread, same batch harness and its per-batch cost, the
 * same loop shape compiled the same way. On the JMH thread the array loop would get JMH's harness
 * instead of the kicker's, and nothing else would be gained.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MemoryBenchmark extends LauncherFork {
  /**
   * Accesses per invocation: 2^24, some 5-25 ms, so that the ~16 µs a batch costs besides its
   * accesses (docs/BENCHMARKS.md, harness overhead) is at most 0.3% even for the array baseline.
   */
  public static final int ACCESSES = 1 << 24;

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

  /** memory.load: one loadLong through the space. */
  @Benchmark
  @OperationsPerInvocation(ACCESSES)
  public long load(Rig s) {
    return s.rig.run(SpaceRig.Kind.LOAD, ACCESSES);
  }

  /** memory.store: one storeLong through the space. */
  @Benchmark
  @OperationsPerInvocation(ACCESSES)
  public long store(Rig s) {
    return s.rig.run(SpaceRig.Kind.STORE, ACCESSES);
  }

  /** baseline.array-load: one load from a long[], same pattern, same process. */
  @Benchmark
  @OperationsPerInvocation(ACCESSES)
  public long arrayLoad(Rig s) {
    return s.rig.run(SpaceRig.Kind.ARRAY_LOAD, ACCESSES);
  }

  /** baseline.array-store: one store into a long[], same pattern, same process. */
  @Benchmark
  @OperationsPerInvocation(ACCESSES)
  public long arrayStore(Rig s) {
    return s.rig.run(SpaceRig.Kind.ARRAY_STORE, ACCESSES);
  }
}
