package jackal.bench;

import jackal.bench.programs.EchoClient;
import jackal.bench.programs.ScaleServer;
import jackal.kernel.api.CapLoc;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The echo exchange of {@link KernelRig} between two programs loaded from pages the way a user's
 * programs are (verified, rewritten with their preemption checks, their classes defined per
 * process): the client {@link EchoClient} and the server {@link ScaleServer}, on a one-CPU kernel.
 * Trusted processes only start a batch (a one-shot kicker sends the client the batch size) and wait
 * for its end (a waiter receives the client's sum and wakes the JMH thread), once per batch.
 */
final class LoadedPairRig implements AutoCloseable {
  private static final long DONE_ID = 100;
  private static final int GO_REG = CapReg.APP0;
  private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private Kernel k;
  private final CapRef goEntry;
  private final ObjectRef client;
  private volatile long completed;
  private volatile long lastSum;
  private volatile Thread waiter;
  private long started;
  private long batch;

  LoadedPairRig() throws ProgramRefusedException {
    k =
        Kernel.create(
            KernelConfig.defaults()
                .withCpus(1)
                .withConsole(new PrintStream(OutputStream.nullOutputStream())));
    CodeSegment runtime = RuntimeLibrary.segment(k);
    ProgramSpace serverSpace =
        k.newProgramSpace(
            ScaleServer.class.getName(),
            0,
            k.newCodeSegment(ClassFiles.jar(ClassFiles.of(ScaleServer.class))),
            runtime);
    ProgramSpace clientSpace =
        k.newProgramSpace(
            EchoClient.class.getName(),
            0,
            k.newCodeSegment(ClassFiles.jar(ClassFiles.of(EchoClient.class))),
            runtime);
    ObjectRef server = k.newProcess("echo-server");
    k.setSpaceAndPC(server, serverSpace.space(), serverSpace.pc());
    ObjectRef serverEp = k.newEndpoint();
    k.setRecipient(serverEp, server);

    client = k.newProcess("echo-client");
    k.setSpaceAndPC(client, clientSpace.space(), clientSpace.pc());
    replyEndpoint(client);
    k.setCapReg(client, CapReg.APP0, k.entry(serverEp, 7));
    ObjectRef goEp = k.newEndpoint();
    k.setRecipient(goEp, client);
    k.setEndpointId(goEp, EchoClient.GO_ID);
    goEntry = k.entry(goEp, 0);

    ObjectRef done = k.newProcess("batch-waiter", this::waiter);
    replyEndpoint(done);
    ObjectRef doneEp = k.newEndpoint();
    k.setRecipient(doneEp, done);
    k.setEndpointId(doneEp, DONE_ID);
    k.setCapReg(client, CapReg.APP0 + 1, k.entry(doneEp, 0));

    k.start(server);
    k.start(done);
    k.start(client);
    k = k.boot();
  }

  private void replyEndpoint(ObjectRef p) {
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
  }

  /** Receives the client's sum after each batch and wakes the thread waiting for it. */
  private void waiter(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    long batches = 0;
    for (; ; ) {
      ipc.receive(true, DONE_ID);
      lastSum = ipc.w[1];
      completed = ++batches;
      LockSupport.unpark(waiter);
    }
  }

  private void kicker(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.w[1] = batch;
    ipc.send(CapLoc.reg(GO_REG), 1, -1, false);
  }

  /** Has the loaded client make {@code n} echo calls and waits for them; the answers' sum. */
  long run(int n) {
    waiter = Thread.currentThread();
    batch = n;
    long target = ++started;
    ObjectRef kicker = k.newProcess("kicker", this::kicker);
    k.setCapReg(kicker, GO_REG, goEntry);
    k.start(kicker);
    long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
    while (completed < target) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "batch " + target + " did not finish within 60 s (client " + k.inspect(client) + ")");
      }
    }
    long expected = (long) n * (n + 1) / 2;
    if (lastSum != expected) {
      throw new IllegalStateException("echo sum " + lastSum + ", expected " + expected);
    }
    return lastSum;
  }

  String statistics() {
    return k.statistics();
  }

  @Override
  public void close() {
    k.close();
  }
}
