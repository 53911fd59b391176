package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.Pipe;
import jackal.services.boot.StreamServer;
import jackal.services.idl.coyotos.IoStreamClient;
import jackal.services.stream.IoStreams;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * 4096-byte buffers through a pipe against the same buffers written to a Null stream, measured in
 * the same run on one CPU (labels {@code stream.pipe.4k} and {@code stream.null.4k}; their quotient
 * is {@code stream.pipe.ratio}).
 *
 * <ul>
 *   <li>{@link #pipe}: per buffer, the writer's {@code IoStreams.write} of 4096 bytes to the pipe's
 *       write end and the reader's {@code IoStreams.read} of them from the read end, both through
 *       the retry library (so including every wait in a channel and the pipe's late answers), the
 *       pipe program loaded from pages between them.
 *   <li>{@link #nullStream}: per buffer, one {@code IoStreams.write} of 4096 bytes to the Null
 *       stream (a call carrying a 4 KiB string, answered at once): the least a buffer through a
 *       stream server can cost.
 * </ul>
 *
 * Each invocation has the long-lived writer run a batch of {@link #BATCH} buffers, as in {@link
 * BankBenchmark}; for the pipe, the invocation ends when the reader has read them all.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StreamBenchmark extends LauncherFork {
  /** Buffers per invocation. */
  public static final int BATCH = 2_000;

  static final int BUFFER = IoStreams.BUF_LIMIT;

  /** The rig: one CPU, a pipe with its writer and reader, a Null stream. */
  @State(Scope.Benchmark)
  public static class Rig {
    static final int PIPE_REG = CapReg.APP0;
    static final int NULL_REG = CapReg.APP0 + 1;
    static final int CHANNEL_REG = CapReg.APP0 + 2;
    static final int GO_REG = CapReg.APP0;
    static final long GO_ID = 99;

    Kernel k;
    CapRef goEntry;
    volatile boolean toNull;
    volatile int calls;
    volatile long writtenBatches;
    volatile long bytesRead;
    volatile String failure;
    volatile Thread waiter;
    long started;
    volatile long target;

    @Setup(Level.Trial)
    public void boot() {
      KernelConfig cfg =
          KernelConfig.defaults()
              .withCpus(1)
              .withConsole(new PrintStream(OutputStream.nullOutputStream()));
      k = Kernel.create(cfg);
      CodeSegment runtime = RuntimeLibrary.segment(k);
      Pipe pipe = Pipe.build(k, runtime);
      StreamServer nul = StreamServer.nullStream(k, runtime);
      ObjectRef writer = process("writer", this::writer);
      k.setCapReg(writer, PIPE_REG, pipe.writeEnd());
      k.setCapReg(writer, NULL_REG, nul.entry());
      ObjectRef reader = process("reader", this::reader);
      k.setCapReg(reader, PIPE_REG, pipe.readEnd());
      ObjectRef goEp = k.newEndpoint();
      k.setRecipient(goEp, writer);
      k.setEndpointId(goEp, GO_ID);
      goEntry = k.entry(goEp, 0);
      k.start(pipe.process());
      k.start(nul.process());
      k.start(writer);
      k.start(reader);
      k = k.boot();
    }

    private ObjectRef process(String name, jackal.kernel.api.ProgramEntry program) {
      ObjectRef p = k.newProcess(name, program);
      ObjectRef replyEp = k.newEndpoint();
      k.setRecipient(replyEp, p);
      k.setPayloadMatch(replyEp);
      k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
      k.setAddressSpace(p, k.cap(k.newPage())); // the string area
      return p;
    }

    @Setup(Level.Iteration)
    public void tenure() {
      System.gc();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      k.close();
    }

    private static IoStreams streams(SystemCalls sys) {
      return new IoStreams(new IoStreamClient(new Ipc(sys)).stringArea(0, BUFFER), CHANNEL_REG);
    }

    /** The writer: waits for a kick, writes the batch to the pipe or to Null, and waits again. */
    private void writer(SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      IoStreams streams = streams(sys);
      byte[] buffer = new byte[BUFFER];
      long done = 0;
      for (; ; ) {
        ipc.receive(true, GO_ID);
        int n = calls;
        long to = CapLoc.reg(toNull ? NULL_REG : PIPE_REG);
        try {
          for (int i = 0; i < n; i++) {
            if (streams.writeFully(to, buffer) != BUFFER) {
              failure = "a write took nothing";
            }
          }
        } catch (KernelException e) {
          failure = "write: " + e.getMessage();
        }
        writtenBatches = ++done;
        if (toNull) {
          LockSupport.unpark(waiter);
        }
      }
    }

    /** The reader: reads the pipe for ever, counting, and wakes the JMH thread at each target. */
    private void reader(SystemCalls sys) {
      IoStreams streams = streams(sys);
      long pipe = CapLoc.reg(PIPE_REG);
      long read = 0;
      for (; ; ) {
        try {
          read += streams.read(pipe, BUFFER).length;
        } catch (KernelException e) {
          failure = "read: " + e.getMessage();
          return;
        }
        bytesRead = read;
        if (read >= target) {
          LockSupport.unpark(waiter);
        }
      }
    }

    private static void kicker(SystemCalls sys) {
      new Ipc(sys).send(CapLoc.reg(GO_REG), 0, -1, false);
    }

    void run(boolean nullStream, int n) {
      if (failure != null) {
        throw new IllegalStateException("a client failed: " + failure);
      }
      waiter = Thread.currentThread();
      toNull = nullStream;
      calls = n;
      long batch = ++started;
      if (!nullStream) {
        target += (long) n * BUFFER;
      }
      ObjectRef kicker = k.newProcess("kicker", Rig::kicker);
      k.setCapReg(kicker, GO_REG, goEntry);
      k.start(kicker);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while ((nullStream ? writtenBatches < batch : bytesRead < target) && failure == null) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("batch " + batch + " did not finish within 60 s");
        }
      }
      if (failure != null) {
        throw new IllegalStateException("a client failed: " + failure);
      }
    }
  }

  /** stream.pipe.4k: one 4096-byte buffer written into the pipe and read out of it. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void pipe(Rig r) {
    r.run(false, BATCH);
  }

  /** stream.null.4k: one 4096-byte buffer written to the Null stream. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void nullStream(Rig r) {
    r.run(true, BATCH);
  }
}
