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
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Many independent client/server pairs in one kernel, for throughput across CPUs and for latency
 * under load.
 *
 * <p>Pinned, pair {@code i} (client and its echo server) may run only on CPU {@code i mod cpus}, so
 * its calls are same-CPU calls and the pairs are spread evenly: with two CPUs, any difference from
 * twice the one-CPU throughput is what the CPUs share (kernel state, the JVM, the host). Unpinned,
 * the kernel places processes round robin in the order they start, server then client for each
 * pair, so with two CPUs every server starts on CPU 0 and every client on CPU 1; the first call
 * brings each pair together (a woken server runs on its waiting caller's CPU), and from then on
 * idle CPUs steal to balance the load. Batches are driven as in {@link KernelRig}: a one-shot
 * kicker per client starts it, the clients run their calls and the last to finish unparks the JMH
 * thread.
 *
 * <p>For latency, a rig may instead keep its pairs calling without pause as <em>background</em>
 * load and add one measured pair ({@link #probe}): its client times every call with {@link
 * System#nanoTime} into an HdrHistogram. The probe's server is on the client's CPU (same-CPU) or on
 * the next CPU (cross-CPU).
 */
final class PairsRig implements AutoCloseable {
  private static final int SERVER_REG = CapReg.APP0;
  private static final int GO_REG = CapReg.APP0;
  private static final long SERVICE_ID = 42;
  private static final long GO_ID = 99;
  private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Kernel k;
  private final int cpus;
  private final CapRef[] goEntries;

  /** Every server and client, in the order they were started. */
  private final ObjectRef[] processes;

  private final long[] clientMasks;
  private final AtomicInteger running = new AtomicInteger();
  private volatile int calls;
  private volatile Thread waiter;
  private volatile String failure;
  private volatile boolean stopping;

  /** The measured pair's latencies (ns), written by its client only; null without a probe. */
  private final Histogram latencies;

  /** Batches the probe finished (written by its client). */
  private volatile long probeDone;

  private long probeStarted;

  /**
   * @param cpus CPUs of the kernel
   * @param pairs client/server pairs
   * @param spinMicros how long an idle CPU spins before it parks
   * @param pinned whether pair {@code i} may run only on CPU {@code i mod cpus}; otherwise the
   *     kernel places it (see the class comment) and idle CPUs steal as they balance the load
   * @param background whether the pairs call without pause (load) instead of in batches
   * @param probe -1 for no measured pair, else the measured server's CPU offset from its client's
   *     (0: same CPU, 1: the next CPU); the measured client is on CPU 0
   */
  PairsRig(int cpus, int pairs, long spinMicros, boolean pinned, boolean background, int probe) {
    this(cpus, pairs, spinMicros, pinned, background, probe, -1);
  }

  /**
   * Every pair pinned to CPU {@code cpu} of a kernel of {@code cpus} CPUs, the others left with
   * nothing they may run ({@link SmpProbe}'s {@code cpus-2-one-busy}: what a second CPU costs the
   * first when it has no work).
   */
  static PairsRig allOnCpu(int cpus, int pairs, long spinMicros, int cpu) {
    return new PairsRig(cpus, pairs, spinMicros, true, false, -1, cpu);
  }

  /**
   * Unpinned pairs, each of whose processes was first dispatched on its pair's CPU ({@link
   * SmpProbe}'s {@code cpus-2-born-together}): pinned as in the pinned rig until every process has
   * run once and waits in its first receive, then free to run on any CPU, the kickers too. Against
   * the unpinned rig, whose servers all start on CPU 0 and clients on CPU 1, this separates what
   * the first dispatches' placement costs from what stealing and migration cost.
   */
  static PairsRig bornTogether(int cpus, int pairs, long spinMicros) {
    PairsRig rig = new PairsRig(cpus, pairs, spinMicros, true, false, -1, -1);
    try {
      if (!rig.k.awaitQuiescent(Duration.ofSeconds(60))) {
        throw new IllegalStateException("the pairs did not all start: " + rig.k.statistics());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the pairs started", e);
    }
    for (ObjectRef p : rig.processes) {
      rig.k.setCpuMask(p, -1L);
    }
    java.util.Arrays.fill(rig.clientMasks, -1L);
    return rig;
  }

  /**
   * Changes the masks of a two-CPU rig's pairs in place ({@link RepinProbe}): {@code shift} -1
   * frees every process (and the kickers its client makes from then on) to run on any CPU; 0 or 1
   * puts pair {@code i} on CPU {@code (i + shift) mod 2}, its server, client and kickers together.
   * Takes effect at each process's next dispatch. Call only between batches.
   */
  void pinShifted(int shift) {
    if (shift < -1 || shift > 1) {
      throw new IllegalArgumentException("shift must be -1, 0 or 1: " + shift);
    }
    if (latencies != null || cpus != 2) {
      throw new IllegalStateException("only a two-CPU rig without a measured pair is re-pinned");
    }
    for (int i = 0; i < processes.length; i++) {
      int pair = i / 2;
      long mask = shift < 0 ? -1L : 1L << ((pair + shift) % 2);
      k.setCpuMask(processes[i], mask);
      if (i % 2 == 1) {
        clientMasks[pair] = mask;
      }
    }
  }

  private PairsRig(
      int cpus,
      int pairs,
      long spinMicros,
      boolean pinned,
      boolean background,
      int probe,
      int onlyCpu) {
    this.cpus = cpus;
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Kernel b =
        Kernel.create(
            KernelConfig.defaults()
                .withCpus(cpus)
                .withIdleSpinMicros(spinMicros)
                .withCrossCpuCalls(KernelRig.crossCpuCalls())
                .withConsole(quiet));
    int clients = pairs + (probe >= 0 ? 1 : 0);
    goEntries = new CapRef[clients];
    clientMasks = new long[clients];
    latencies = probe >= 0 ? new Histogram(TimeUnit.SECONDS.toNanos(1), 3) : null;
    ObjectRef[] started = new ObjectRef[2 * clients];
    ObjectRef[] clientOf = new ObjectRef[clients];
    // Pinned, each process's mask decides its CPU. Unpinned, the kernel gives home CPUs round robin
    // when the processes start, in the order of `started` below (see the class comment).
    for (int i = 0; i < clients; i++) {
      boolean isProbe = i == pairs;
      ProgramEntry program =
          isProbe ? this::probeClient : background ? this::loadClient : this::batchClient;
      int home = isProbe ? 0 : onlyCpu >= 0 ? onlyCpu : i % cpus;
      long mask = pinned || isProbe ? 1L << home : -1L;
      clientOf[i] = process(b, "client-" + i, program, mask);
      clientMasks[i] = mask;
    }
    for (int i = 0; i < clients; i++) {
      boolean isProbe = i == pairs;
      int cpu = isProbe ? 0 : onlyCpu >= 0 ? onlyCpu : i % cpus;
      long serverMask = isProbe ? 1L << ((cpu + probe) % cpus) : pinned ? 1L << cpu : -1L;
      ObjectRef server = process(b, "echo-" + i, PairsRig::echoServer, serverMask);
      ObjectRef serverEp = b.newEndpoint();
      b.setRecipient(serverEp, server);
      b.setEndpointId(serverEp, SERVICE_ID);
      ObjectRef client = clientOf[i];
      ObjectRef goEp = b.newEndpoint();
      b.setRecipient(goEp, client);
      b.setEndpointId(goEp, GO_ID);
      b.setCapReg(client, SERVER_REG, b.entry(serverEp, 7));
      goEntries[i] = b.entry(goEp, 0);
      started[2 * i] = server;
      started[2 * i + 1] = client;
    }
    for (ObjectRef p : started) {
      b.start(p);
    }
    processes = started;
    k = b.boot();
  }

  static ObjectRef process(Kernel k, String name, ProgramEntry program, long cpuMask) {
    ObjectRef p = k.newProcess(name, program);
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCpuMask(p, cpuMask);
    return p;
  }

  private static void echoServer(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = ipc.w[1] + 1;
      ipc.replyAndReceive(1, -1);
    }
  }

  /** Calls {@code n} times and checks the answers; false (after recording why) on a failure. */
  private boolean calls(Ipc ipc, int n) {
    long server = CapLoc.reg(SERVER_REG);
    long sum = 0;
    for (int i = 0; i < n; i++) {
      ipc.w[1] = i;
      if (!ipc.call(server, 1, 0, -1)) {
        fail("call answered with exception 0x" + Long.toHexString(ipc.exceptionCode()));
        return false;
      }
      sum += ipc.w[1];
    }
    if (sum != (long) n * (n + 1) / 2) {
      fail("echo checksum " + sum + ", expected " + (long) n * (n + 1) / 2);
      return false;
    }
    return true;
  }

  private void batchClient(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    for (; ; ) {
      ipc.receive(true, GO_ID);
      if (!calls(ipc, calls)) {
        return;
      }
      if (running.decrementAndGet() == 0) {
        LockSupport.unpark(waiter);
      }
    }
  }

  private void loadClient(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive(true, GO_ID); // started once, then calls until the rig closes
    while (!stopping) {
      if (!calls(ipc, 1000)) {
        return;
      }
    }
  }

  private void probeClient(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    long server = CapLoc.reg(SERVER_REG);
    Histogram h = latencies;
    long done = 0;
    for (; ; ) {
      ipc.receive(true, GO_ID);
      int n = calls;
      for (int i = 0; i < n; i++) {
        ipc.w[1] = i;
        long t0 = System.nanoTime();
        boolean ok = ipc.call(server, 1, 0, -1);
        long t1 = System.nanoTime();
        if (!ok || ipc.w[1] != i + 1) {
          fail("probe call " + i + " answered wrongly");
          return;
        }
        h.recordValue(Math.min(t1 - t0, h.getHighestTrackableValue()));
      }
      probeDone = ++done;
      LockSupport.unpark(waiter);
    }
  }

  private void fail(String why) {
    failure = why;
    LockSupport.unpark(waiter);
  }

  private void kick(int client) {
    ObjectRef kicker = k.newProcess("kicker", PairsRig::kicker);
    k.setCapReg(kicker, GO_REG, goEntries[client]);
    k.setCpuMask(kicker, clientMasks[client]);
    k.start(kicker);
  }

  private static void kicker(SystemCalls sys) {
    new Ipc(sys).send(CapLoc.reg(GO_REG), 0, -1, false);
  }

  /** Has every pair make {@code n} calls at once and waits until all are done. */
  void run(int n) {
    begin(n);
    await();
  }

  /** Has every pair start {@code n} calls; {@link #await} waits for them. */
  void begin(int n) {
    checkFailure();
    waiter = Thread.currentThread();
    calls = n;
    int pairs = goEntries.length - (latencies != null ? 1 : 0);
    running.set(pairs);
    for (int i = 0; i < pairs; i++) {
      kick(i);
    }
  }

  /** Waits until the pairs have made the calls {@link #begin} asked for. */
  void await() {
    long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
    while (running.get() > 0 && failure == null) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("batch did not finish within 60 s: " + k.statistics());
      }
    }
    checkFailure();
  }

  /** Starts the background pairs (once). */
  void startLoad() {
    waiter = Thread.currentThread();
    for (int i = 0; i < goEntries.length - 1; i++) {
      kick(i);
    }
  }

  /** Has the measured pair make {@code n} timed calls and waits for them. */
  void probe(int n) {
    checkFailure();
    waiter = Thread.currentThread();
    calls = n;
    long target = ++probeStarted;
    kick(goEntries.length - 1);
    long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
    while (probeDone < target && failure == null) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("probe did not finish within 60 s: " + k.statistics());
      }
    }
    checkFailure();
  }

  /** The measured pair's latencies; read only between probes. */
  Histogram latencies() {
    return latencies;
  }

  private void checkFailure() {
    if (failure != null) {
      throw new IllegalStateException("a client failed: " + failure);
    }
  }

  String statistics() {
    return k.statistics();
  }

  @Override
  public void close() {
    stopping = true;
    k.close();
  }
}
