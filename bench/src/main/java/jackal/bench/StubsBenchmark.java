package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.runtime.idl.coyotos.AddressSpaceExtendedFetchResult;
import jackal.runtime.idl.coyotos.CapUnknownRequestException;
import jackal.runtime.idl.coyotos.GPTClient;
import jackal.runtime.idl.coyotos.GPTServer;
import jackal.runtime.idl.coyotos.GPTSkeleton;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * A call through the generated CapIDL stubs against the same call built by hand, per round trip,
 * both processes on one CPU (labels {@code stubs.handBuilt} and {@code stubs.generated}; their
 * quotient is {@code stub.call.ratio}).
 *
 * <ul>
 *   <li>{@link #handBuilt}: the exchange of {@code ipc.roundtrip.same-cpu} ({@link KernelRig}'s
 *       echo): the client sets {@code w[1]} and calls {@link Ipc#call}; a hand-written server
 *       answers {@code w[1] + 1} with {@link Ipc#replyAndReceive}.
 *   <li>{@link #generated}: {@code coyotos.GPT.setl2v} (the one kernel-IDL method with exactly one
 *       scalar argument and one scalar result) through {@link GPTClient#setl2v}, served by {@link
 *       GPTSkeleton} registered with a {@link ServerLoop}, whose {@link GPTServer} implementation
 *       answers {@code l2v + 1}. A user process serving a kernel interface is legitimate: a
 *       skeleton serves any interface. What the stubs add over the hand-built call: the opcode word
 *       (two request words instead of one), the client's zero-extension and exception check, the
 *       server loop's handler lookup (endpoint ID, then payload) and {@code Reply} bookkeeping, and
 *       the skeleton's opcode switch, shape and string checks and the interface call to the
 *       implementation.
 * </ul>
 *
 * <p>The harness is {@link KernelRig}'s (copied here, with a second server): each invocation has a
 * long-lived client process run a batch of {@link #BATCH} calls on the kernel's CPU thread, started
 * by a one-shot kicker and waited for with park/unpark; {@code @OperationsPerInvocation} divides by
 * the batch. The kernel boots once per trial; a full GC before every iteration promotes its
 * long-lived objects to the old generation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgsAppend = {Jvm.EXPORTS, Jvm.HEAP_MIN, Jvm.HEAP_MAX, Jvm.GC})
public class StubsBenchmark {
  /** Calls per invocation. */
  public static final int BATCH = 50_000;

  /** One CPU; the client and both servers on it. */
  @State(Scope.Benchmark)
  public static class OneCpu {
    Rig rig;

    @Setup(Level.Trial)
    public void boot() {
      rig = new Rig();
    }

    @Setup(Level.Iteration)
    public void tenure() {
      System.gc();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      rig.close();
    }
  }

  /** stubs.handBuilt: Ipc words set by hand, Ipc.call, a server answering with replyAndReceive. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long handBuilt(OneCpu s) {
    return s.rig.run(Kind.HAND_BUILT, BATCH);
  }

  /** stubs.generated: GPTClient.setl2v to a GPTSkeleton in a ServerLoop. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long generated(OneCpu s) {
    return s.rig.run(Kind.GENERATED, BATCH);
  }

  /** What a batch does. */
  enum Kind {
    HAND_BUILT,
    GENERATED
  }

  /**
   * A {@code coyotos.GPT} server that implements {@code setl2v} as the echo server does ({@code l2v
   * + 1}) and nothing else.
   */
  static final class IncrementingGpt implements GPTServer {
    @Override
    public int setl2v(int l2v) {
      return l2v + 1;
    }

    @Override
    public int getl2v() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void setHandler(boolean hasHandler) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public boolean getHandler() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void makeLocalWindow(int slot, int restr, long offset, int guard, int localRoot)
        throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void makeBackgroundWindow(int slot, int restr, long offset, int guard)
        throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long getSlot(int slot) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void setSlot(int slot, long c) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void guardedSetSlot(int slot, long c, int guard) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long fetch(long offset) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void store(long offset, long c) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public AddressSpaceExtendedFetchResult extendedFetch(long offset, int l2arg)
        throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void extendedStore(long offset, int l2arg, int guard, long value)
        throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void erase() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long copyFrom(long other) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long reduce(int mask) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long setGuard(int guard) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public int getGuard() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public int getRestrictions() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void destroy() throws KernelException {
      throw new CapUnknownRequestException();
    }
  }

  /**
   * {@link KernelRig} with two servers: a booted one-CPU kernel with the hand-built echo server, a
   * {@link ServerLoop} serving {@link GPTSkeleton}, and a long-lived client that runs a batch of
   * calls to one of them per kick (see {@link KernelRig} for how a batch is started and waited
   * for).
   */
  static final class Rig implements AutoCloseable {
    /** Client register holding the hand-built server's Entry capability. */
    static final int ECHO_REG = CapReg.APP0;

    /** Client register holding the generated server's Entry capability. */
    static final int GPT_REG = CapReg.APP0 + 1;

    /** Kicker register holding an Entry capability to the client's go endpoint. */
    static final int GO_REG = CapReg.APP0;

    static final long GO_ID = 99;
    static final long ECHO_ID = 42;
    static final long GPT_ID = 43;

    private static final long CPU_MASK = 1L;
    private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final Kernel k;
    private final ObjectRef client;
    private final CapRef goEntry;

    private volatile Kind kind = Kind.HAND_BUILT;
    private volatile int calls;
    private volatile long completed;
    private volatile String failure;
    private volatile long lastChecksum;
    private volatile Thread waiter;
    private long started;

    Rig() {
      PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
      this.k = Kernel.create(KernelConfig.defaults().withCpus(1).withConsole(quiet));

      ObjectRef echo = process("echo-server", Rig::echoServer);
      ObjectRef echoEp = k.newEndpoint();
      k.setRecipient(echoEp, echo);
      k.setEndpointId(echoEp, ECHO_ID);

      ObjectRef gpt = process("gpt-server", Rig::gptServer);
      ObjectRef gptEp = k.newEndpoint();
      k.setRecipient(gptEp, gpt);
      k.setEndpointId(gptEp, GPT_ID);

      client = process("bench-client", this::client);
      ObjectRef goEp = k.newEndpoint();
      k.setRecipient(goEp, client);
      k.setEndpointId(goEp, GO_ID);
      goEntry = k.entry(goEp, 0);
      k.setCapReg(client, ECHO_REG, k.entry(echoEp, 7));
      k.setCapReg(client, GPT_REG, k.entry(gptEp, 7));

      k.start(echo);
      k.start(gpt);
      k.start(client);
      k.boot();
    }

    /** The hand-built server: answers {@code w[1] + 1} and waits again, in one trap. */
    private static void echoServer(SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      for (; ; ) {
        ipc.w[1] = ipc.w[1] + 1;
        ipc.replyAndReceive(1, -1);
      }
    }

    /** The generated server: the GPT skeleton in a server loop. */
    private static void gptServer(SystemCalls sys) {
      new ServerLoop(new Ipc(sys)).register(GPT_ID, new GPTSkeleton(new IncrementingGpt())).run();
    }

    /** The client: waits for a kick, runs the batch asked for, signals, and waits again. */
    private void client(SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      GPTClient gpt = new GPTClient(ipc);
      long echo = CapLoc.reg(ECHO_REG);
      long gptCap = CapLoc.reg(GPT_REG);
      long done = 0;
      for (; ; ) {
        ipc.receive(true, GO_ID);
        int n = calls;
        long sum = 0;
        switch (kind) {
          case HAND_BUILT -> {
            for (int i = 0; i < n; i++) {
              ipc.w[1] = i;
              if (!ipc.call(echo, 1, 0, -1)) {
                fail(
                    "call "
                        + i
                        + " answered with exception 0x"
                        + Long.toHexString(ipc.exceptionCode()));
                return;
              }
              sum += ipc.w[1];
            }
          }
          case GENERATED -> {
            try {
              for (int i = 0; i < n; i++) {
                sum += gpt.setl2v(gptCap, i);
              }
            } catch (KernelException e) {
              fail("GPT.setl2v: " + e.getMessage());
              return;
            }
          }
        }
        if (sum != (long) n * (n + 1) / 2) {
          fail(kind + " checksum " + sum + ", expected " + (long) n * (n + 1) / 2);
          return;
        }
        lastChecksum = sum;
        completed = ++done;
        LockSupport.unpark(waiter);
      }
    }

    /** A one-shot process whose program sends one empty message to the client's go endpoint. */
    private static void kicker(SystemCalls sys) {
      new Ipc(sys).send(CapLoc.reg(GO_REG), 0, -1, false);
    }

    /** A process with a payload-match reply endpoint (recipient itself) in REPLYEPT, on CPU 0. */
    private ObjectRef process(String name, ProgramEntry program) {
      ObjectRef p = k.newProcess(name, program);
      ObjectRef replyEp = k.newEndpoint();
      k.setRecipient(replyEp, p);
      k.setPayloadMatch(replyEp);
      k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
      k.setCpuMask(p, CPU_MASK);
      return p;
    }

    /** Has the client run {@code n} calls of {@code what} and waits for them. */
    long run(Kind what, int n) {
      if (failure != null) {
        throw new IllegalStateException("an earlier batch failed: " + failure);
      }
      waiter = Thread.currentThread();
      kind = what;
      calls = n;
      long target = ++started;
      ObjectRef kicker = k.newProcess("kicker", Rig::kicker);
      k.setCapReg(kicker, GO_REG, goEntry);
      k.setCpuMask(kicker, CPU_MASK);
      k.start(kicker);
      long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
      while (completed < target && failure == null) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10)); // woken by the client
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "batch " + target + " did not finish within 60 s (client " + k.inspect(client) + ")");
        }
      }
      if (failure != null) {
        throw new IllegalStateException("client failed: " + failure);
      }
      return lastChecksum;
    }

    private void fail(String why) {
      failure = why;
      LockSupport.unpark(waiter);
    }

    @Override
    public void close() {
      k.close();
    }
  }
}
