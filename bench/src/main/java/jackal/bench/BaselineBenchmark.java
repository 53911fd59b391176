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
 * the cores, which on a virtual machine depend on where the host put its vCPUs. {@link
 * #crossCoreContinuationCall} is the floor under a cross-CPU call: the same exchange with its words
 * on lines of their own and a continuation run to answer each request.
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
      HostCpu.pinFromProperty(); // the divisor of the one-CPU ratios, on the same host CPU
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
      HostCpu.pinFromProperty(); // the divisor of the one-CPU ratios, on the same host CPU
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

  /**
   * The least a cross-CPU call through a continuation can cost, for {@code ipc.cross-cpu.ratio}'s
   * analysis (docs/BENCHMARKS.md, "What a cross-CPU call cannot avoid"): {@link Echo}'s two
   * spinning threads, with the request's and the reply's words on lines of their own, as a call's
   * message is, and the answer computed by a continuation the answering thread runs for each
   * request, as a server is run. Per round trip: the flag's line and the words' line each way, and
   * one run and one yield. No kernel: no capability, no lock, no copy but the four words each way.
   */
  @State(Scope.Benchmark)
  public static class ContinuationEcho {
    /** The flag lines: each written by one side only, between 64-byte gaps (longs, not arrays). */
    volatile long request;

    long gap0;
    long gap1;
    long gap2;
    long gap3;
    long gap4;
    long gap5;
    long gap6;
    long gap7;

    volatile long reply;

    /** The message words: eight longs each way, each array its own two lines at most. */
    final long[] in = new long[8];

    final long[] out = new long[8];

    volatile boolean stop;
    long seq;
    Thread thread;

    @Setup(Level.Trial)
    public void start() {
      Continuation server =
          new Continuation(
              SCOPE,
              () -> {
                for (; ; ) {
                  long[] w = in;
                  long[] r = out;
                  r[0] = w[0];
                  r[1] = w[1] + 1;
                  r[2] = w[2] + 2;
                  r[3] = w[3] + 3;
                  Continuation.yield(SCOPE);
                }
              });
      thread =
          Thread.ofPlatform()
              .daemon(true)
              .name("cross-core-continuation-echo")
              .start(
                  () -> {
                    long seen = 0;
                    while (!stop) {
                      long q = request;
                      if (q != seen) {
                        seen = q;
                        server.run();
                        reply = q;
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

  /**
   * baseline.cross-core-continuation-call: one round trip = write four words and the request flag,
   * spin until the reply flag comes back, read the four words answered.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long crossCoreContinuationCall(ContinuationEcho s) {
    long seq = s.seq;
    long sum = 0;
    long[] in = s.in;
    long[] out = s.out;
    for (int i = 0; i < BATCH; i++) {
      ++seq;
      in[0] = seq;
      in[1] = seq;
      in[2] = seq;
      in[3] = seq;
      s.request = seq;
      while (s.reply != seq) {
        Thread.onSpinWait();
      }
      sum += out[1] + out[3];
    }
    s.seq = seq;
    return sum;
  }
}
