package jackal.bench;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The Jackal echo exchange done the way plain Java does it: a client thread and a server thread
 * (both platform threads, or both virtual threads) handing a request and a reply back and forth. No
 * kernel: the request is one {@code long}, the server answers it plus one.
 *
 * <p>Batches are driven like {@link KernelRig}'s: the JMH thread hands the client a batch size, the
 * client makes that many calls back to back and signals completion through a volatile counter plus
 * an unpark of the JMH thread.
 */
final class PeerRig implements AutoCloseable {
  /** How a request and its reply cross between the two threads. */
  enum Handoff {
    /**
     * A volatile slot per direction plus {@link LockSupport#park}/{@link LockSupport#unpark}: the
     * waiting thread parks (no spinning), the other publishes and unparks it. This is what
     * java.util.concurrent's synchronizers are built from, without their queues.
     */
    PARK,
    /**
     * Two {@link SynchronousQueue}s (requests, replies): the textbook Java handoff. A waiting taker
     * spins briefly before it parks (JDK 25's SynchronousQueue is built on LinkedTransferQueue), so
     * with both threads running on their own cores a handoff may never park.
     */
    SYNCHRONOUS_QUEUE
  }

  private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

  private final Handoff handoff;
  private final Thread client;
  private final Thread server;
  private volatile Thread waiter;
  private volatile boolean stopping;

  // Batch control (JMH thread <-> client thread).
  private volatile int batchCalls;
  private volatile long requested;
  private volatile long completed;
  private volatile long lastChecksum;
  private volatile Throwable failure;

  // PARK handoff.
  private volatile boolean requestFull;
  private long request;
  private volatile boolean replyFull;
  private long reply;

  // SYNCHRONOUS_QUEUE handoff.
  private final SynchronousQueue<Long> requests = new SynchronousQueue<>();
  private final SynchronousQueue<Long> replies = new SynchronousQueue<>();

  PeerRig(boolean virtual, Handoff handoff) {
    this.handoff = handoff;
    Thread.Builder b = virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
    server = b.name("peer-server").unstarted(this::serverLoop);
    client = b.name("peer-client").unstarted(this::clientLoop);
    server.start();
    client.start();
  }

  /** Runs {@code calls} round trips from the client thread and waits for them. */
  long runBatch(int calls) {
    if (failure != null) {
      throw new IllegalStateException("an earlier batch failed", failure);
    }
    waiter = Thread.currentThread();
    batchCalls = calls;
    long target = requested + 1; // only the JMH thread writes it
    requested = target;
    LockSupport.unpark(client);
    long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
    while (completed < target && failure == null) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10)); // woken by the client
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("batch " + target + " did not finish in time");
      }
    }
    if (failure != null) {
      throw new IllegalStateException("peer batch failed", failure);
    }
    return lastChecksum;
  }

  private void clientLoop() {
    try {
      long done = 0;
      while (!stopping) {
        if (requested == done) {
          LockSupport.park(this);
          continue;
        }
        int calls = batchCalls;
        long sum = 0;
        for (int i = 0; i < calls; i++) {
          sum += call(i);
        }
        long expected = (long) calls * (calls + 1) / 2;
        if (sum != expected) {
          throw new IllegalStateException("checksum " + sum + ", expected " + expected);
        }
        lastChecksum = sum;
        completed = ++done;
        LockSupport.unpark(waiter);
      }
    } catch (InterruptedException e) {
      // closing
    } catch (Throwable t) {
      failure = t;
      LockSupport.unpark(waiter);
    }
  }

  private long call(long x) throws InterruptedException {
    if (handoff == Handoff.SYNCHRONOUS_QUEUE) {
      requests.put(x);
      return replies.take();
    }
    request = x;
    requestFull = true; // publishes request
    LockSupport.unpark(server);
    while (!replyFull) {
      LockSupport.park(this);
      if (stopping) {
        throw new InterruptedException();
      }
    }
    replyFull = false;
    return reply;
  }

  private void serverLoop() {
    try {
      if (handoff == Handoff.SYNCHRONOUS_QUEUE) {
        for (; ; ) {
          replies.put(requests.take() + 1);
        }
      }
      for (; ; ) {
        while (!requestFull) {
          LockSupport.park(this);
          if (stopping) {
            return;
          }
        }
        requestFull = false;
        reply = request + 1;
        replyFull = true; // publishes reply
        LockSupport.unpark(client);
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  @Override
  public void close() {
    stopping = true;
    client.interrupt();
    server.interrupt();
    try {
      client.join(TimeUnit.SECONDS.toMillis(5));
      server.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
