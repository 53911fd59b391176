package jackal.bench;

import java.util.concurrent.TimeUnit;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;
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
 * The floor under a same-CPU round trip: two bare {@link Continuation}s on one thread. A dispatcher
 * loop runs A then B; A writes a request and yields, B answers it and yields. One round trip is two
 * continuation runs and two yields, which is exactly the switching a same-CPU Jackal call+reply
 * does (client yields into the dispatcher, server runs, server yields, client runs). Everything the
 * kernel does on top (capability checks, message copy, scheduling) is the difference.
 *
 * <p>{@link #crossCorePingpong} is the floor under a cross-CPU round trip: one request word and one
 * reply word bouncing between two spinning platform threads, i.e. two cache-line transfers between
 * the cores, which on a virtual machine depend on where the host put its vCPUs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BaselineBenchmark extends LauncherFork {
  /** Same batch as {@link IpcBenchmark#BATCH}, so both are measured the same way. */
  static final int BATCH = IpcBenchmark.BATCH;

  private static final ContinuationScope SCOPE = new ContinuationScope("bench-pingpong");

  @State(Scope.Thread)
  public static class PingPong {
    long request;
    long reply;
    Continuation a;
    Continuation b;

    @Setup(Level.Trial)
    public void setup() {
      a =
          new Continuation(
              SCOPE,
              () -> {
                for (long i = 0; ; i++) {
                  request = i; // the "call"
                  Continuation.yield(SCOPE);
                }
              });
      b =
          new Continuation(
              SCOPE,
              () -> {
                for (; ; ) {
                  reply = request + 1; // the "reply"
                  Continuation.yield(SCOPE);
                }
              });
    }
  }

  /** Frames between a continuation's entry and its yield in {@link DeepPingPong}. */
  static final int DEPTH = 8;

  /**
   * The same pingpong with each yield made {@link #DEPTH} calls deep, about as deep as a Jackal
   * process yields (entry, Machine.runProgram, the program, Ipc.call, Gate.trap,
   * ProgramContinuation.yieldUnlessPinned): a continuation freezes and thaws its frames, so depth
   * costs time. Not a baseline the goals use; it splits the ipc.ratio gap (docs).
   */
  @State(Scope.Thread)
  public static class DeepPingPong {
    long request;
    long reply;
    Continuation a;
    Continuation b;

    @Setup(Level.Trial)
    public void setup() {
      a =
          new Continuation(
              SCOPE,
              () -> {
                for (long i = 0; ; i++) {
                  request = i;
                  yieldAt(DEPTH);
                }
              });
      b =
          new Continuation(
              SCOPE,
              () -> {
                for (; ; ) {
                  reply = request + 1;
                  yieldAt(DEPTH);
                }
              });
    }

    private static int yieldAt(int depth) {
      if (depth == 0) {
        Continuation.yield(SCOPE);
        return 0;
      }
      return yieldAt(depth - 1) + 1; // not a tail call: the frame stays
    }
  }

  /** analysis.continuation-pingpong-depth-8. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long continuationPingpongDeep(DeepPingPong s) {
    Continuation a = s.a;
    Continuation b = s.b;
    for (int i = 0; i < BATCH; i++) {
      a.run();
      b.run();
    }
    return s.reply;
  }

  /** baseline.continuation-pingpong: one round trip = run A (yields) + run B (yields). */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long continuationPingpong(PingPong s) {
    Continuation a = s.a;
    Continuation b = s.b;
    for (int i = 0; i < BATCH; i++) {
      a.run();
      b.run();
    }
    return s.reply;
  }

  /** A platform thread that answers every request word with the same word, spinning. */
  @State(Scope.Benchmark)
  public static class Echo {
    volatile long request;
    volatile long reply;
    volatile boolean stop;
    long seq;
    Thread thread;

    @Setup(Level.Trial)
    public void start() {
      thread =
          Thread.ofPlatform()
              .daemon(true)
              .name("cross-core-echo")
              .start(
                  () -> {
                    long seen = 0;
                    while (!stop) {
                      long r = request;
                      if (r != seen) {
                        seen = r;
                        reply = r;
                      } else {
                        Thread.onSpinWait();
                      }
                    }
                  });
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      stop = true;
      thread.join();
    }
  }

  /** baseline.cross-core-pingpong: one round trip = write a word, spin until it comes back. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long crossCorePingpong(Echo s) {
    long seq = s.seq;
    for (int i = 0; i < BATCH; i++) {
      s.request = ++seq;
      while (s.reply != seq) {
        Thread.onSpinWait();
      }
    }
    s.seq = seq;
    return seq;
  }
}
