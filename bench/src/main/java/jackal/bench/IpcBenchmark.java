package jackal.bench;

import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
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
 * Jackal IPC inside the kernel, per round trip.
 *
 * <p>Each benchmark invocation runs a batch of {@link #BATCH} operations in a client process on the
 * kernel's CPU threads (see {@link KernelRig}); {@code @OperationsPerInvocation} divides the batch
 * time by the batch size. The {@code *Batch1k} variants and {@link #emptyBatch} exist to show that
 * the per-batch cost of the harness does not matter (group {@code harness}).
 *
 * <p>The kernel boots once per trial. Before every iteration a full GC promotes the kernel's
 * long-lived objects to the old generation (the state of a system that has run for a while);
 * without it the figures jump up mid-run, when G1 happens to tenure them.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IpcBenchmark extends LauncherFork {
  /** Operations per invocation of the main benchmarks. */
  public static final int BATCH = 50_000;

  /** Operations per invocation of the small-batch variants (harness check). */
  public static final int SMALL_BATCH = 1_000;

  /** One CPU; client and server (or client alone) on it. */
  @State(Scope.Benchmark)
  public static class OneCpu {
    KernelRig rig;

    @Setup(Level.Trial)
    public void boot() {
      HostCpu.pinFromProperty(); // a one-CPU figure: the whole JVM on one host CPU
      rig = new KernelRig(1, 1L, 1L);
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

  /** One CPU; client and server are programs loaded from pages ({@link LoadedPairRig}). */
  @State(Scope.Benchmark)
  public static class OneCpuLoaded {
    LoadedPairRig rig;

    @Setup(Level.Trial)
    public void boot() throws Exception {
      HostCpu.pinFromProperty();
      rig = new LoadedPairRig();
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

  /**
   * A one-CPU rig and beside it the bare continuation ping-pong of {@link
   * BaselineBenchmark#continuationPingpong}, run by the benchmark's thread on the same host CPU.
   */
  @State(Scope.Benchmark)
  public abstract static class PairedRig {
    /** The baseline's own ping-pong, made as its benchmark makes it. */
    final BaselineBenchmark.PingPong pingPong = new BaselineBenchmark.PingPong();

    /** Boots the rig. */
    abstract void boot() throws Exception;

    /** Has the rig's client make {@code n} echo calls; the answers' sum. */
    abstract long calls(int n);

    abstract void close();

    @Setup(Level.Trial)
    public void start() throws Exception {
      pingPong.setup(); // pins the JVM to its host CPU first (HostCpu)
      boot();
    }

    @Setup(Level.Iteration)
    public void tenure() {
      KernelRig.tenure();
    }

    @TearDown(Level.Trial)
    public void stop() {
      close();
    }
  }

  /** {@link OneCpu}'s rig, paired. */
  public static class OneCpuPaired extends PairedRig {
    KernelRig rig;

    @Override
    void boot() {
      rig = new KernelRig(1, 1L, 1L);
    }

    @Override
    long calls(int n) {
      return rig.run(KernelRig.Kind.ECHO, n);
    }

    @Override
    void close() {
      rig.close();
    }
  }

  /** {@link OneCpuLoaded}'s rig (two programs loaded from pages), paired. */
  public static class OneCpuLoadedPaired extends PairedRig {
    LoadedPairRig rig;

    @Override
    void boot() throws Exception {
      rig = new LoadedPairRig();
    }

    @Override
    long calls(int n) {
      return rig.run(n);
    }

    @Override
    void close() {
      rig.close();
    }
  }

  /**
   * The two figures of {@link #sameCpuPaired} and {@link #sameCpuLoadedPaired}, JMH secondary
   * results: the echo round trip and the ping-pong round trip, in ns, over the iteration's batches.
   * JMH sums an EVENTS counter over the measured iterations, so the benchmark measures one.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Paired {
    public double callNs;
    public double pingpongNs;
    private long callNanos;
    private long pingpongNanos;
    private long rounds;

    @Setup(Level.Iteration)
    public void clear() {
      callNs = 0;
      pingpongNs = 0;
      callNanos = 0;
      pingpongNanos = 0;
      rounds = 0;
    }

    void add(long call, long pingpong, int n) {
      callNanos += call;
      pingpongNanos += pingpong;
      rounds += n;
      callNs = callNanos / (double) rounds;
      pingpongNs = pingpongNanos / (double) rounds;
    }
  }

  /** Two CPUs; the client pinned to CPU 0 (mask 1), the server to CPU 1 (mask 2). */
  @State(Scope.Benchmark)
  public static class TwoCpus {
    KernelRig rig;

    @Setup(Level.Trial)
    public void boot() {
      rig = new KernelRig(2, 2L, 1L);
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

  /** ipc.roundtrip.same-cpu: Ipc.call + Ipc.replyAndReceive, both processes on one CPU. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long sameCpu(OneCpu s) {
    return s.rig.run(KernelRig.Kind.ECHO, BATCH);
  }

  /**
   * ipc.ratio.paired: {@link #sameCpu}'s batch and a batch of the bare continuation ping-pong, one
   * after the other in every invocation, in one JVM on one host CPU; their times are the secondary
   * results {@code callNs} and {@code pingpongNs}, whose ratio is {@code ipc.ratio} taken so that a
   * host whose CPU changes speed between forks, or within one, moves both alike
   * (docs/BENCHMARKS.md, "Seventeenth session"). The primary score is the two round trips together.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Measurement(iterations = 1, time = 5)
  public long sameCpuPaired(OneCpuPaired s, Paired out) {
    return paired(s, out);
  }

  /** ipc.ratio.loaded.paired: {@link #sameCpuPaired} for {@link #sameCpuLoaded}'s programs. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  @Measurement(iterations = 1, time = 5)
  public long sameCpuLoadedPaired(OneCpuLoadedPaired s, Paired out) {
    return paired(s, out);
  }

  private static long paired(PairedRig s, Paired out) {
    long t0 = System.nanoTime();
    long sum = s.calls(BATCH);
    long t1 = System.nanoTime();
    Continuation a = s.pingPong.a;
    Continuation b = s.pingPong.b;
    for (int i = 0; i < BATCH; i++) {
      a.run();
      b.run();
    }
    long t2 = System.nanoTime();
    out.add(t1 - t0, t2 - t1, BATCH);
    return sum + s.pingPong.reply;
  }

  /**
   * ipc.roundtrip.same-cpu.loaded: the same exchange between two programs loaded from pages the way
   * a user's are (the figure a user's programs get; {@link #sameCpu}'s processes are trusted
   * lambdas).
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long sameCpuLoaded(OneCpuLoaded s) {
    return s.rig.run(BATCH);
  }

  /**
   * ipc.roundtrip.cross-cpu: the same exchange, client on CPU 0 and server on CPU 1. Three forks,
   * the mean over them: each JVM lays the objects both CPUs touch out against the 64-byte lines its
   * own way, and one layout's call can be 1.6 times another's (docs/BENCHMARKS.md, "Why one build's
   * cross-CPU call ranges from 1.0 to 1.6 us").
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
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
  public long crossCpu(TwoCpus s) {
    return s.rig.run(KernelRig.Kind.ECHO, BATCH);
  }

  /** kernel-cap.invoke: Discrim.classify through the usual call convention. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long kernelCapInvoke(OneCpu s) {
    return s.rig.run(KernelRig.Kind.CLASSIFY, BATCH);
  }

  // ------------------------------------------------------------------ harness check

  @Benchmark
  @OperationsPerInvocation(SMALL_BATCH)
  public long sameCpuBatch1k(OneCpu s) {
    return s.rig.run(KernelRig.Kind.ECHO, SMALL_BATCH);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL_BATCH)
  public long crossCpuBatch1k(TwoCpus s) {
    return s.rig.run(KernelRig.Kind.ECHO, SMALL_BATCH);
  }

  @Benchmark
  @OperationsPerInvocation(SMALL_BATCH)
  public long kernelCapInvokeBatch1k(OneCpu s) {
    return s.rig.run(KernelRig.Kind.CLASSIFY, SMALL_BATCH);
  }

  /**
   * The fixed cost of one batch: start a kicker, wake the client, which makes no call, wait for it.
   * Short iterations: every invocation leaves an exited kicker process behind, and the kernel backs
   * a bounded number of OIDs per type (2^20 by default).
   */
  @Benchmark
  @Warmup(iterations = 3, time = 200, timeUnit = TimeUnit.MILLISECONDS)
  @Measurement(iterations = 5, time = 200, timeUnit = TimeUnit.MILLISECONDS)
  public long emptyBatch(OneCpu s) {
    return s.rig.run(KernelRig.Kind.EMPTY, 0);
  }
}
