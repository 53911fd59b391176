package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * The multi-listener experiment (docs/MULTI-LISTENER.md): many clients calling a service that
 * several listener processes serve, one listener pinned to each CPU, four ways of reaching them
 * ({@link Mode}). Client {@code i} is pinned to CPU {@code i mod cpus}, so its <em>home</em>
 * listener, the one on its CPU, is listener {@code i mod listeners}.
 *
 * <p>Each listener keeps per-client state (the last sequence number it saw from each client), as a
 * server holding a connection's context would. A call carries the client's index and its next
 * sequence number; the listener answers with its own index and whether it held the client's state
 * (it saw the client's previous call). The clients count calls answered by a listener other than a
 * listener on another CPU ({@link #farCalls}: calls that crossed CPUs) and calls whose listener
 * lacked their state ({@link #stateMisses}): what a listener chosen per message costs a stateful
 * service.
 *
 * <p>Batches are driven as in {@link PairsRig}: a one-shot kicker per client starts it, the last
 * client to finish unparks the waiting thread.
 */
final class ListenerRig implements AutoCloseable {
  /** How clients reach the listeners. */
  enum Mode {
    /** One endpoint, one listener (on CPU 0): every client calls the same process. */
    ONE,
    /** One endpoint per listener; client {@code i} calls endpoint {@code i mod listeners}. */
    ENDPOINTS,
    /** One endpoint with every listener; the kernel delivers to the nearest receiving one. */
    NEAREST,
    /**
     * One endpoint with every listener in session mode; client {@code i}'s capability carries
     * payload {@code i}, so it always reaches listener {@code i mod listeners}.
     */
    SESSIONS
  }

  private static final int SERVER_REG = CapReg.APP0;
  private static final int GO_REG = CapReg.APP0;
  private static final long SERVICE_ID = 42;
  private static final long GO_ID = 99;
  private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private final Kernel k;
  private final int cpus;
  private final int clients;
  private final int listeners;
  private final CapRef[] goEntries;
  private final long[] clientMasks;
  private final AtomicInteger running = new AtomicInteger();
  private volatile int calls;
  private volatile Thread waiter;
  private volatile String failure;

  /** Per client, written by that client only: calls answered by a listener not on its CPU. */
  private final AtomicLongArray far;

  /** Per client, written by that client only: calls whose listener did not hold its state. */
  private final AtomicLongArray misses;

  ListenerRig(Mode mode, int cpus, int clients, int listeners) {
    this.cpus = cpus;
    this.clients = clients;
    this.listeners = mode == Mode.ONE ? 1 : listeners;
    this.far = new AtomicLongArray(clients);
    this.misses = new AtomicLongArray(clients);
    Kernel b =
        Kernel.create(
            KernelConfig.defaults()
                .withCpus(cpus)
                .withIdleSpinMicros(50)
                .withConsole(new PrintStream(OutputStream.nullOutputStream())));
    goEntries = new CapRef[clients];
    clientMasks = new long[clients];
    ObjectRef[] clientProcs = new ObjectRef[clients];
    for (int i = 0; i < clients; i++) {
      int me = i;
      clientMasks[i] = 1L << (i % cpus);
      clientProcs[i] = PairsRig.process(b, "client-" + i, sys -> client(sys, me), clientMasks[i]);
    }
    ObjectRef[] listenerProcs = new ObjectRef[this.listeners];
    ObjectRef[] endpoints = new ObjectRef[mode == Mode.ENDPOINTS ? this.listeners : 1];
    for (int j = 0; j < this.listeners; j++) {
      int me = j;
      listenerProcs[j] =
          PairsRig.process(b, "listener-" + j, sys -> listener(sys, me, clients), 1L << (j % cpus));
    }
    for (int e = 0; e < endpoints.length; e++) {
      endpoints[e] = b.newEndpoint();
      b.setEndpointId(endpoints[e], SERVICE_ID);
      b.setRecipient(endpoints[e], listenerProcs[e]);
    }
    if (mode == Mode.NEAREST || mode == Mode.SESSIONS) {
      b.setListeners(endpoints[0], mode == Mode.SESSIONS, listenerProcs);
    }
    for (int i = 0; i < clients; i++) {
      ObjectRef ep = endpoints[mode == Mode.ENDPOINTS ? i % this.listeners : 0];
      b.setCapReg(clientProcs[i], SERVER_REG, b.entry(ep, i));
      ObjectRef goEp = b.newEndpoint();
      b.setRecipient(goEp, clientProcs[i]);
      b.setEndpointId(goEp, GO_ID);
      goEntries[i] = b.entry(goEp, 0);
    }
    for (ObjectRef l : listenerProcs) {
      b.start(l);
    }
    for (ObjectRef c : clientProcs) {
      b.start(c);
    }
    k = b.boot();
  }

  private static void listener(SystemCalls sys, int me, int clients) {
    Ipc ipc = new Ipc(sys);
    long[] lastSeen = new long[clients]; // the per-client state this listener holds
    ipc.receive();
    for (; ; ) {
      long seq = ipc.w[1];
      int client = (int) ipc.w[2];
      boolean held = client >= 0 && client < clients && lastSeen[client] == seq - 1;
      if (client >= 0 && client < clients) {
        lastSeen[client] = seq;
      }
      ipc.w[1] = seq + 1;
      ipc.w[2] = me;
      ipc.w[3] = held ? 1 : 0;
      ipc.replyAndReceive(3, -1);
    }
  }

  private void client(SystemCalls sys, int me) {
    Ipc ipc = new Ipc(sys);
    long server = CapLoc.reg(SERVER_REG);
    int myCpu = me % cpus; // listener j runs on CPU j mod cpus
    long seq = 0;
    for (; ; ) {
      ipc.receive(true, GO_ID);
      int n = calls;
      long farHere = 0;
      long missHere = 0;
      for (int i = 0; i < n; i++) {
        seq++;
        ipc.w[1] = seq;
        ipc.w[2] = me;
        if (!ipc.call(server, 2, 0, -1) || ipc.w[1] != seq + 1) {
          fail("client " + me + " call " + seq + " answered wrongly");
          return;
        }
        if (ipc.w[2] % cpus != myCpu) {
          farHere++;
        }
        if (ipc.w[3] == 0) {
          missHere++;
        }
      }
      far.addAndGet(me, farHere);
      misses.addAndGet(me, missHere);
      if (running.decrementAndGet() == 0) {
        LockSupport.unpark(waiter);
      }
    }
  }

  private void fail(String why) {
    failure = why;
    LockSupport.unpark(waiter);
  }

  /** Has every client make {@code n} calls and waits until all are done. */
  void run(int n) {
    if (failure != null) {
      throw new IllegalStateException("a client failed: " + failure);
    }
    waiter = Thread.currentThread();
    calls = n;
    running.set(clients);
    for (int i = 0; i < clients; i++) {
      ObjectRef kicker = k.newProcess("kicker", ListenerRig::kicker);
      k.setCapReg(kicker, GO_REG, goEntries[i]);
      k.setCpuMask(kicker, clientMasks[i]);
      k.start(kicker);
    }
    long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
    while (running.get() > 0 && failure == null) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("batch did not finish within 60 s: " + k.statistics());
      }
    }
    if (failure != null) {
      throw new IllegalStateException("a client failed: " + failure);
    }
  }

  private static void kicker(SystemCalls sys) {
    new Ipc(sys).send(CapLoc.reg(GO_REG), 0, -1, false);
  }

  /** Calls answered by a listener on another CPU than the caller's, since boot. */
  long farCalls() {
    long sum = 0;
    for (int i = 0; i < clients; i++) {
      sum += far.get(i);
    }
    return sum;
  }

  /** Calls whose listener did not hold the caller's state, since boot. */
  long stateMisses() {
    long sum = 0;
    for (int i = 0; i < clients; i++) {
      sum += misses.get(i);
    }
    return sum;
  }

  String statistics() {
    return k.statistics();
  }

  @Override
  public void close() {
    k.close();
  }
}
