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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The multi-listener experiment (docs/MULTI-LISTENER.md): {@value #CLIENTS} clients, half pinned to
 * each of 2 CPUs, calling a service served by one listener, by one listener per CPU behind an
 * endpoint each (the client picks), or by one listener per CPU behind one endpoint (the kernel
 * picks the nearest receiving listener, or the one the client's session names). Calls per second.
 * {@link ListenerProbe} gives the same by CPU time, with the far calls and state misses.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {Jvm.EXPORTS, Jvm.HEAP_MIN, Jvm.HEAP_MAX, Jvm.GC, Jvm.CARD_MARK})
@State(Scope.Benchmark)
public class MultiListenerBenchmark {
  /** Clients, half on each CPU. */
  public static final int CLIENTS = 8;

  /** Listeners (one per CPU) where the mode has several. */
  public static final int LISTENERS = 2;

  /** Calls per client per batch. */
  public static final int CALLS = 10_000;

  @Param({"ONE", "ENDPOINTS", "NEAREST", "SESSIONS"})
  public String mode;

  ListenerRig rig;

  @Setup(Level.Trial)
  public void boot() {
    rig = new ListenerRig(ListenerRig.Mode.valueOf(mode), 2, CLIENTS, LISTENERS);
  }

  @Setup(Level.Iteration)
  public void tenure() {
    KernelRig.tenure();
  }

  @TearDown(Level.Trial)
  public void shutdown() {
    rig.close();
  }

  /** listener.throughput[mode]: calls per second of all clients. */
  @Benchmark
  @OperationsPerInvocation(CLIENTS * CALLS)
  public void throughput() {
    rig.run(CALLS);
  }
}
