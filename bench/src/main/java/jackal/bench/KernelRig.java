package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idl.coyotos.GPTClient;
import jackal.runtime.idl.coyotos.GPTSkeleton;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A booted kernel with a long-lived echo server and a long-lived client, and a way for the JMH
 * thread (outside the kernel) to have the client run a batch of calls and wait for it.
 *
 * <p>Between batches the client waits <em>inside the kernel</em>, in a closed receive on its "go"
 * endpoint. Nothing outside the kernel can send a message, so each batch is started by a fresh
 * one-shot "kicker" process (created and started through the boot API) whose program is a single
 * blocking send to that endpoint. The client then reads the batch (kind and size) from volatile
 * fields, makes its calls back to back on its CPU thread, bumps {@link #completed} and unparks the
 * JMH thread, and waits for the next kick. No program ever blocks in Java: the server and the idle
 * client wait in the kernel, and the completion signal is a volatile write plus {@link
 * LockSupport#unpark}, which never blocks.
 *
 * <p>What a batch costs besides its calls (creating and starting the kicker, its send, waking the
 * client, the JMH thread's wake-up) is measured by {@link #run} with {@link Kind#EMPTY}; it is paid
 * once per batch and is well under 1% of a 50 000-call batch (docs/BENCHMARKS.md).
 *
 * <p>Client and server are long-lived on purpose: the steady state of a running system is
 * long-lived kernel objects (processes, endpoints, per-CPU state) that the GC has promoted to the
 * old generation, and under G1 storing a reference into an old object costs more than into a young
 * one (card marking), which the kernel does on every call. {@link #tenure()} puts the rig into that
 * state; the benchmarks call it before every iteration.
 */
final class KernelRig implements AutoCloseable {
  /** What a batch does. */
  enum Kind {
    /** Ipc.call to the echo server (Entry capability, RC reply capability), per call. */
    ECHO,
    /** Discrim.classify (a kernel capability) through the generated DiscrimClient, per call. */
    CLASSIFY,
    /**
     * GPTClient.setl2v (a generated CapIDL stub) to a GPTSkeleton in a ServerLoop that answers
     * {@code l2v + 1}, per call: the ECHO exchange through generated code.
     */
    STUB,
    /** No call: the fixed cost of a batch. */
    EMPTY
  }

  /** Client register holding the server's Entry capability. */
  static final int SERVER_REG = CapReg.APP0;

  /** Client register holding the Discrim kernel capability. */
  static final int DISCRIM_REG = CapReg.APP0 + 1;

  /** Client register holding the Entry capability of the skeleton server. */
  static final int STUB_REG = CapReg.APP0 + 2;

  /** Endpoint ID of the skeleton server's endpoint. */
  static final long STUB_ID = 43;

  /** Kicker register holding an Entry capability to the client's go endpoint. */
  static final int GO_REG = CapReg.APP0;

  /** Endpoint ID of the client's go endpoint (its closed wait between batches). */
  static final long GO_ID = 99;

  /** Endpoint ID of the server's endpoint. */
  static final long SERVICE_ID = 42;

  /** A batch that has not finished after this long is a failure (a hung kernel or a fault). */
  private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private Kernel k;
  private final ObjectRef client;
  private final CapRef goEntry;
  private final long clientMask;

  // The batch asked for (JMH thread -> client), published by the kicker's start.
  private volatile Kind kind = Kind.EMPTY;
  private volatile int calls;

  /** Batches finished by the client; written by a CPU thread, read by the JMH thread. */
  private volatile long completed;

  /** The first thing that went wrong inside the client, if anything. */
  private volatile String failure;

  /** Checksum of the last batch, so the work cannot be dead code. */
  private volatile long lastChecksum;

  private volatile Thread waiter;
  private long started;

  /**
   * Where the rigs' kernels run cross-CPU calls (KernelConfig.crossCpuCalls): the system property
   * {@code jackal.bench.crossCpuCalls} ({@code at_caller}, {@code ship} or {@code ship_and_stay}),
   * else the kernel's default; for A/B runs of the choices (docs/BENCHMARKS.md).
   */
  static KernelConfig.CrossCpuCalls crossCpuCalls() {
    String v = System.getProperty("jackal.bench.crossCpuCalls");
    if (v == null) {
      return KernelConfig.defaults().crossCpuCalls();
    }
    try {
      return KernelConfig.CrossCpuCalls.valueOf(v.strip().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "jackal.bench.crossCpuCalls is at_caller, ship or ship_and_stay, not '" + v + "'", e);
    }
  }

  /**
   * Boots a kernel of {@code cpus} CPUs with an echo server restricted to {@code serverMask} and a
   * client (and its kickers) restricted to {@code clientMask}.
   */
  KernelRig(int cpus, long serverMask, long clientMask) {
    this(cpus, serverMask, clientMask, KernelConfig.defaults().idleSpinMicros());
  }

  /** The same, with idle CPUs spinning {@code spinMicros} before they park. */
  KernelRig(int cpus, long serverMask, long clientMask, long spinMicros) {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    this.k =
        Kernel.create(
            KernelConfig.defaults()
                .withCpus(cpus)
                .withIdleSpinMicros(spinMicros)
                .withCrossCpuCalls(crossCpuCalls())
                .withConsole(quiet));
    this.clientMask = clientMask;

    ObjectRef server = process("echo-server", KernelRig::echoServer, serverMask);
    ObjectRef serverEp = k.newEndpoint();
    k.setRecipient(serverEp, server);
    k.setEndpointId(serverEp, SERVICE_ID);

    client = process("bench-client", this::client, clientMask);
    ObjectRef goEp = k.newEndpoint();
    k.setRecipient(goEp, client);
    k.setEndpointId(goEp, GO_ID);
    goEntry = k.entry(goEp, 0);
    k.setCapReg(client, SERVER_REG, k.entry(serverEp, 7));
    k.setCapReg(client, DISCRIM_REG, k.kernelCap(KernelService.DISCRIM));

    ObjectRef stubServer =
        process(
            "stub-server",
            sys ->
                new ServerLoop(new Ipc(sys))
                    .register(STUB_ID, new GPTSkeleton(new StubsBenchmark.IncrementingGpt()))
                    .run(),
            serverMask);
    ObjectRef stubEp = k.newEndpoint();
    k.setRecipient(stubEp, stubServer);
    k.setEndpointId(stubEp, STUB_ID);
    k.setCapReg(client, STUB_REG, k.entry(stubEp, 7));

    k.start(server);
    k.start(stubServer);
    k.start(client);
    k = k.boot(); // the builder closes; the handle stops the rig
  }

  /** The server: waits for a request, answers {@code w[1] + 1}, and waits again, in one trap. */
  private static void echoServer(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = ipc.w[1] + 1;
      ipc.replyAndReceive(1, -1);
    }
  }

  /** The client: waits for a kick, runs the batch asked for, signals, and waits again. */
  private void client(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    DiscrimClient discrimClient = new DiscrimClient(ipc);
    long server = CapLoc.reg(SERVER_REG);
    long discrim = CapLoc.reg(DISCRIM_REG);
    GPTClient gpt = new GPTClient(ipc);
    long stub = CapLoc.reg(STUB_REG);
    long subject = CapLoc.reg(CapReg.REPLYEPT);
    long done = 0; // batches finished; only this process writes completed
    for (; ; ) {
      ipc.receive(true, GO_ID);
      int n = calls;
      long sum = 0;
      switch (kind) {
        case ECHO -> {
          for (int i = 0; i < n; i++) {
            ipc.w[1] = i;
            if (!ipc.call(server, 1, 0, -1)) {
              fail(
                  "call "
                      + i
                      + " answered with exception 0x"
                      + Long.toHexString(ipc.exceptionCode()));
              return;
            }
            sum += ipc.w[1];
          }
          if (sum != (long) n * (n + 1) / 2) {
            fail("echo checksum " + sum + ", expected " + (long) n * (n + 1) / 2);
            return;
          }
        }
        case CLASSIFY -> {
          try {
            for (int i = 0; i < n; i++) {
              sum += discrimClient.classify(discrim, subject);
            }
          } catch (KernelException e) {
            fail("Discrim.classify: " + e.getMessage());
            return;
          }
        }
        case STUB -> {
          try {
            for (int i = 0; i < n; i++) {
              sum += gpt.setl2v(stub, i);
            }
          } catch (KernelException e) {
            fail("GPT.setl2v: " + e.getMessage());
            return;
          }
          if (sum != (long) n * (n + 1) / 2) {
            fail("stub checksum " + sum + ", expected " + (long) n * (n + 1) / 2);
            return;
          }
        }
        case EMPTY -> {}
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

  /**
   * A process with what every caller needs: a payload-match reply endpoint whose recipient is the
   * process itself, in REPLYEPT.
   */
  private ObjectRef process(String name, ProgramEntry program, long cpuMask) {
    ObjectRef p = k.newProcess(name, program);
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCpuMask(p, cpuMask);
    return p;
  }

  /** Has the client run {@code n} operations of {@code what} and waits for them. */
  long run(Kind what, int n) {
    if (failure != null) {
      throw new IllegalStateException("an earlier batch failed: " + failure);
    }
    waiter = Thread.currentThread();
    kind = what;
    calls = n;
    long target = ++started;
    ObjectRef kicker = k.newProcess("kicker", KernelRig::kicker);
    k.setCapReg(kicker, GO_REG, goEntry);
    k.setCpuMask(kicker, clientMask);
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

  /**
   * Promotes everything alive (kernel objects, both processes, their continuations) to the old
   * generation with a full GC, as in a system that has been running for a while.
   */
  static void tenure() {
    System.gc();
  }

  private void fail(String why) {
    failure = why;
    LockSupport.unpark(waiter);
  }

  /**
   * Takes a view of the whole system ({@code Kernel.view}), which locks every object at once from
   * outside the CPUs, as a checkpoint does.
   */
  void view() {
    k.view();
  }

  /** The kernel's per-CPU counters (dispatches, parks, steals, restarts), for diagnostics. */
  String statistics() {
    return k.statistics();
  }

  @Override
  public void close() {
    k.close();
  }
}
