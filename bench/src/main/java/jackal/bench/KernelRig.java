package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelStubs;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A booted kernel with one long-lived echo server, and a way to run a batch of calls from a
 * client process and wait for it from outside the kernel (the JMH thread).
 *
 * <p>The kernel boots once (per JMH trial). Each batch starts a <em>fresh</em> client process
 * through the boot API (the boot API cannot restart a process whose program has ended, and a
 * process waiting between batches would have to spin or be woken by a message, which nothing
 * outside the kernel can send). The client makes its calls back to back on its CPU thread, then
 * bumps {@link #completed} (a volatile counter) and unparks the waiting JMH thread. The cost of
 * creating and starting the client and of the final handoff is paid once per batch; see
 * {@link #runEmptyBatch()} and docs/BENCHMARKS.md for how small it is next to a batch.
 *
 * <p>Programs never block in Java: the server waits in the kernel (a receive), the client only
 * makes system calls, and the completion signal is a volatile write plus {@link
 * LockSupport#unpark}, which never blocks.
 */
final class KernelRig implements AutoCloseable {
  /** Capability register of a client holding the server's Entry capability. */
  static final int SERVER_REG = CapReg.APP0;

  /** Capability register of a client holding the Discrim kernel capability. */
  static final int DISCRIM_REG = CapReg.APP0 + 1;

  /** A batch that has not finished after this long is a failure (a hung kernel or a fault). */
  private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Opcode the echo server answers (any opcode works; it is only echoed back plus one). */
  static final long OP_ECHO = 1;

  private final Kernel k;
  private final ObjectRef serverEp;
  private final CapRef discrim;
  private final long clientMask;

  /** Batches finished by client processes; written by a CPU thread, read by the JMH thread. */
  private volatile long completed;

  /** The first thing that went wrong inside a client, if anything. */
  private volatile String failure;

  /** Checksum of the last batch (sum of replies), so the work cannot be called dead. */
  private volatile long lastChecksum;

  private long started;
  private volatile Thread waiter;

  /**
   * Boots a kernel of {@code cpus} CPUs with an echo server restricted to {@code serverMask};
   * clients will be restricted to {@code clientMask}.
   */
  KernelRig(int cpus, long serverMask, long clientMask) {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    this.k = Kernel.create(KernelConfig.defaults().withCpus(cpus).withConsole(quiet));
    this.clientMask = clientMask;
    this.discrim = k.kernelCap(KernelService.DISCRIM);

    ObjectRef server = process("echo-server", KernelRig::echoServer, serverMask);
    serverEp = k.newEndpoint();
    k.setRecipient(serverEp, server);
    k.setEndpointId(serverEp, 42);
    k.start(server);
    k.boot();
  }

  /** The server: waits for a request, answers {@code w[1] + 1}, and waits again, in one trap. */
  private static void echoServer(jackal.kernel.api.SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (;;) {
      ipc.w[1] = ipc.w[1] + 1;
      ipc.replyAndReceive(1, -1);
    }
  }

  /**
   * A process with what every caller needs: a payload-match reply endpoint whose recipient is
   * the process itself, in REPLYEPT.
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

  /**
   * Runs {@code calls} call+reply round trips to the echo server from a fresh client process
   * (Ipc.call through an Entry capability, with an RC reply capability) and waits for them.
   */
  long runEchoBatch(int calls) {
    return runBatch(
        "echo-client",
        sys -> {
          Ipc ipc = new Ipc(sys);
          long server = CapLoc.reg(SERVER_REG);
          long sum = 0;
          for (int i = 0; i < calls; i++) {
            ipc.w[1] = i;
            if (!ipc.call(server, 1, 0, -1)) {
              fail("call " + i + " answered with exception 0x"
                  + Long.toHexString(ipc.exceptionCode()));
              return;
            }
            sum += ipc.w[1];
          }
          long expected = (long) calls * (calls + 1) / 2;
          if (sum != expected) {
            fail("echo checksum " + sum + ", expected " + expected);
            return;
          }
          finish(sum);
        });
  }

  /**
   * Runs {@code calls} invocations of Discrim.classify (a kernel capability) on the client's own
   * reply endpoint capability, with the usual call convention (Ipc.call via KernelStubs).
   */
  long runClassifyBatch(int calls) {
    return runBatch(
        "classify-client",
        sys -> {
          KernelStubs stubs = new KernelStubs(new Ipc(sys));
          long discrimLoc = CapLoc.reg(DISCRIM_REG);
          long subject = CapLoc.reg(CapReg.REPLYEPT);
          long sum = 0;
          try {
            for (int i = 0; i < calls; i++) {
              sum += stubs.classify(discrimLoc, subject);
            }
          } catch (jackal.runtime.KernelException e) {
            fail("Discrim.classify: " + e.getMessage());
            return;
          }
          finish(sum);
        });
  }

  /** A batch of no calls: what starting a client and waiting for it costs by itself. */
  long runEmptyBatch() {
    return runBatch("empty-client", sys -> finish(0));
  }

  private long runBatch(String name, ProgramEntry program) {
    if (failure != null) {
      throw new IllegalStateException("an earlier batch failed: " + failure);
    }
    waiter = Thread.currentThread();
    long target = ++started;
    ObjectRef client = process(name, program, clientMask);
    k.setCapReg(client, SERVER_REG, k.entry(serverEp, 7));
    k.setCapReg(client, DISCRIM_REG, discrim);
    k.start(client);
    long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
    while (completed < target && failure == null) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10)); // woken by the client
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "batch " + target + " did not finish within 60 s (" + k.inspect(client) + ")");
      }
    }
    if (failure != null) {
      throw new IllegalStateException("client failed: " + failure);
    }
    return lastChecksum;
  }

  /** Called by a client program (on a CPU thread) when its batch is done. */
  private void finish(long checksum) {
    lastChecksum = checksum;
    completed = completed + 1; // only one client runs at a time
    LockSupport.unpark(waiter);
  }

  private void fail(String why) {
    failure = why;
    LockSupport.unpark(waiter);
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
