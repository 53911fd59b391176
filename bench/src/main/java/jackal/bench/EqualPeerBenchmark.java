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
 * Peers at the parallelism Jackal is given ({@link PeerPairsRig}): one client/server pair on one
 * carrier against {@code ipc.roundtrip.same-cpu} (ns per round trip), and {@link
 * SmpBenchmark#PAIRS} pairs on two carriers against {@code ipc.throughput.cpus-2} (calls per
 * second). Virtual threads get {@code jdk.virtualThreadScheduler.parallelism} equal to the CPU
 * count in their fork's flags; actors a pool of that many threads. Platform threads cannot be held
 * to N cores from inside the JVM: they use the machine's (two, here).
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class EqualPeerBenchmark extends LauncherFork {
  /** Round trips per pair per batch on one carrier. */
  static final int ONE_CPU_CALLS = 10_000;

  /** Round trips per pair per batch of the many-pairs figures (thread handoffs are slow). */
  static final int PAIR_CALLS = 2_000;

  static final String ONE_CARRIER = "-Djdk.virtualThreadScheduler.parallelism=1";
  static final String TWO_CARRIERS = "-Djdk.virtualThreadScheduler.parallelism=2";

  @State(Scope.Benchmark)
  public abstract static class Rig {
    PeerPairsRig rig;

    abstract PeerPairsRig create();

    @Setup(Level.Trial)
    public void start() {
      rig = create();
    }

    @TearDown(Level.Trial)
    public void stop() {
      rig.close();
    }
  }

  public static class VirtualOne extends Rig {
    @Override
    PeerPairsRig create() {
      HostCpu.pinFromProperty(); // one carrier, on one host CPU as the kernel's one CPU is
      return new PeerPairsRig(PeerPairsRig.Kind.VIRTUAL, 1, 1);
    }
  }

  public static class ActorOne extends Rig {
    @Override
    PeerPairsRig create() {
      HostCpu.pinFromProperty(); // one carrier, on one host CPU as the kernel's one CPU is
      return new PeerPairsRig(PeerPairsRig.Kind.ACTOR, 1, 1);
    }
  }

  public static class VirtualPairs extends Rig {
    @Override
    PeerPairsRig create() {
      return new PeerPairsRig(PeerPairsRig.Kind.VIRTUAL, SmpBenchmark.PAIRS, 2);
    }
  }

  public static class PlatformPairs extends Rig {
    @Override
    PeerPairsRig create() {
      return new PeerPairsRig(PeerPairsRig.Kind.PLATFORM, SmpBenchmark.PAIRS, 2);
    }
  }

  public static class ActorPairs extends Rig {
    @Override
    PeerPairsRig create() {
      return new PeerPairsRig(PeerPairsRig.Kind.ACTOR, SmpBenchmark.PAIRS, 2);
    }
  }

  /** peer.virtual-thread.cpus-1: one pair of virtual threads on one carrier, per round trip. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(ONE_CPU_CALLS)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        Jvm.EXPORTS,
        Jvm.NATIVE,
        Jvm.HEAP_MIN,
        Jvm.HEAP_MAX,
        Jvm.GC,
        Jvm.CARD_MARK,
        Jvm.CARD_SIZE,
        ONE_CARRIER
      })
  public void virtualOneCpu(VirtualOne s) {
    s.rig.run(ONE_CPU_CALLS);
  }

  /** peer.actor.cpus-1: one pair of actors on a one-thread pool, per round trip. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(ONE_CPU_CALLS)
  public void actorOneCpu(ActorOne s) {
    s.rig.run(ONE_CPU_CALLS);
  }

  /** peer.throughput.virtual-thread.cpus-2: eight pairs of virtual threads on two carriers. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(SmpBenchmark.PAIRS * PAIR_CALLS)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        Jvm.EXPORTS,
        Jvm.NATIVE,
        Jvm.HEAP_MIN,
        Jvm.HEAP_MAX,
        Jvm.GC,
        Jvm.CARD_MARK,
        Jvm.CARD_SIZE,
        TWO_CARRIERS
      })
  public void virtualTwoCpus(VirtualPairs s) {
    s.rig.run(PAIR_CALLS);
  }

  /** peer.throughput.platform-thread.cpus-2: eight pairs of platform threads. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(SmpBenchmark.PAIRS * PAIR_CALLS)
  public void platformTwoCpus(PlatformPairs s) {
    s.rig.run(PAIR_CALLS);
  }

  /** peer.throughput.actor.cpus-2: eight pairs of actors on a two-thread pool. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(SmpBenchmark.PAIRS * PAIR_CALLS)
  public void actorTwoCpus(ActorPairs s) {
    s.rig.run(PAIR_CALLS);
  }
}
