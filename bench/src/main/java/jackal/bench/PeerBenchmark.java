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
 * Peers: the call+reply exchange between two Java threads without Jackal, per round trip.
 *
 * <p>The printed {@code peer.*-handoff} figures use {@link PeerRig.Handoff#SYNCHRONOUS_QUEUE}, the
 * idiomatic Java handoff and the faster of the two on the reference machine (it spins briefly
 * before parking, so a reply that comes back quickly never parks). The {@code *Park} variants
 * (group {@code peer-alt}) hand off with a volatile slot and LockSupport park/unpark, which never
 * spins: the pure cost of blocking and waking a thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PeerBenchmark extends LauncherFork {
  /** Round trips per invocation (thread handoffs are slow: keep an invocation well under 1 s). */
  public static final int BATCH = 10_000;

  @State(Scope.Benchmark)
  public abstract static class Rig {
    PeerRig rig;

    abstract PeerRig create();

    @Setup(Level.Trial)
    public void start() {
      rig = create();
    }

    @TearDown(Level.Trial)
    public void stop() {
      rig.close();
    }
  }

  public static class PlatformPark extends Rig {
    @Override
    PeerRig create() {
      return new PeerRig(false, PeerRig.Handoff.PARK);
    }
  }

  public static class VirtualPark extends Rig {
    @Override
    PeerRig create() {
      return new PeerRig(true, PeerRig.Handoff.PARK);
    }
  }

  public static class PlatformQueue extends Rig {
    @Override
    PeerRig create() {
      return new PeerRig(false, PeerRig.Handoff.SYNCHRONOUS_QUEUE);
    }
  }

  public static class VirtualQueue extends Rig {
    @Override
    PeerRig create() {
      return new PeerRig(true, PeerRig.Handoff.SYNCHRONOUS_QUEUE);
    }
  }

  /** peer.platform-thread-handoff: two platform threads, SynchronousQueue each way. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long platformThreadHandoff(PlatformQueue s) {
    return s.rig.runBatch(BATCH);
  }

  /** peer.virtual-thread-handoff: two virtual threads, SynchronousQueue each way. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long virtualThreadHandoff(VirtualQueue s) {
    return s.rig.runBatch(BATCH);
  }

  /** peer-alt.platform-thread-park: two platform threads, volatile slot + park/unpark. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long platformThreadPark(PlatformPark s) {
    return s.rig.runBatch(BATCH);
  }

  /** peer-alt.virtual-thread-park: two virtual threads, volatile slot + park/unpark. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long virtualThreadPark(VirtualPark s) {
    return s.rig.runBatch(BATCH);
  }
}
