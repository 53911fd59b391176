package jackal.bench;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link PairsRig}'s exchange without Jackal, the ways a Java programmer would write it: {@code
 * pairs} independent client/server pairs, each call one {@code long} that the server answers plus
 * one, on as many carriers as the Jackal kernel it is compared with has CPUs.
 *
 * <ul>
 *   <li>{@link Kind#VIRTUAL}: two virtual threads per pair handing over a {@link SynchronousQueue}
 *       each way; the fork sets {@code jdk.virtualThreadScheduler.parallelism} to the CPU count.
 *   <li>{@link Kind#PLATFORM}: the same with platform threads (the JVM cannot hold them to N cores;
 *       the OS spreads them over all the machine's cores).
 *   <li>{@link Kind#ACTOR}: two actors per pair, each a bounded MPSC mailbox ({@link Mailbox}) run
 *       by a {@link ForkJoinPool} of N threads in async mode whenever it has mail, the way actor
 *       libraries schedule their actors.
 * </ul>
 */
final class PeerPairsRig implements AutoCloseable {
  enum Kind {
    VIRTUAL,
    PLATFORM,
    ACTOR
  }

  private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

  private final Thread[] threads;
  private final ThreadPair[] threadPairs;
  private final ActorPair[] actorPairs;
  private final ForkJoinPool pool;
  private final AtomicInteger running = new AtomicInteger();
  private volatile Thread waiter;
  private volatile Throwable failure;
  private volatile boolean stopping;

  PeerPairsRig(Kind kind, int pairs, int parallelism) {
    if (kind == Kind.ACTOR) {
      pool =
          new ForkJoinPool(
              parallelism, ForkJoinPool.defaultForkJoinWorkerThreadFactory, null, true);
      actorPairs = new ActorPair[pairs];
      for (int i = 0; i < pairs; i++) {
        actorPairs[i] = new ActorPair();
      }
      threadPairs = null;
      threads = new Thread[0];
      return;
    }
    pool = null;
    actorPairs = null;
    threadPairs = new ThreadPair[pairs];
    threads = new Thread[2 * pairs];
    Thread.Builder b = kind == Kind.VIRTUAL ? Thread.ofVirtual() : Thread.ofPlatform().daemon(true);
    for (int i = 0; i < pairs; i++) {
      ThreadPair tp = new ThreadPair();
      threadPairs[i] = tp;
      threads[2 * i] = b.name("peer-server-" + i).start(tp::serve);
      threads[2 * i + 1] = b.name("peer-client-" + i).start(tp::client);
      tp.client = threads[2 * i + 1];
    }
  }

  /** Has every pair make {@code n} calls at once and waits until all are done. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // requested is written by this (JMH) thread only
  void run(int n) {
    if (failure != null) {
      throw new IllegalStateException("an earlier batch failed", failure);
    }
    waiter = Thread.currentThread();
    int pairs = actorPairs != null ? actorPairs.length : threadPairs.length;
    running.set(pairs);
    if (actorPairs != null) {
      for (ActorPair p : actorPairs) {
        p.client.send(new Msg(n, null));
      }
    } else {
      for (ThreadPair p : threadPairs) {
        p.calls = n;
        p.requested++;
        LockSupport.unpark(p.client);
      }
    }
    long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
    while (running.get() > 0 && failure == null) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("peer batch did not finish in time");
      }
    }
    if (failure != null) {
      throw new IllegalStateException("peer batch failed", failure);
    }
  }

  private void pairDone() {
    if (running.decrementAndGet() == 0) {
      LockSupport.unpark(waiter);
    }
  }

  private void fail(Throwable t) {
    failure = t;
    LockSupport.unpark(waiter);
  }

  /** A client and a server thread, one SynchronousQueue each way. */
  private final class ThreadPair {
    final SynchronousQueue<Long> requests = new SynchronousQueue<>();
    final SynchronousQueue<Long> replies = new SynchronousQueue<>();
    volatile Thread client;
    volatile int calls;
    volatile long requested;

    void serve() {
      try {
        for (; ; ) {
          replies.put(requests.take() + 1);
        }
      } catch (InterruptedException e) {
        // closing
      }
    }

    void client() {
      long done = 0;
      try {
        while (!stopping) {
          if (requested == done) {
            LockSupport.park(this);
            continue;
          }
          int n = calls;
          long sum = 0;
          for (int i = 0; i < n; i++) {
            requests.put((long) i);
            sum += replies.take();
          }
          if (sum != (long) n * (n + 1) / 2) {
            throw new IllegalStateException("checksum " + sum);
          }
          done++;
          pairDone();
        }
      } catch (InterruptedException e) {
        // closing
      } catch (Throwable t) {
        fail(t);
      }
    }
  }

  /** A message: a request or reply word, and who sent it (null for a batch start). */
  record Msg(long value, Actor from) {}

  /** A client actor and its server actor. */
  private final class ActorPair {
    final Actor server =
        new Actor() {
          @Override
          void receive(Msg m) {
            m.from().send(new Msg(m.value() + 1, this));
          }
        };

    final Actor client =
        new Actor() {
          private int left;
          private int next;
          private long sum;
          private int n;

          @Override
          void receive(Msg m) {
            if (m.from() == null) { // a batch: n calls
              n = (int) m.value();
              left = n;
              next = 0;
              sum = 0;
            } else {
              sum += m.value();
              left--;
            }
            if (next < n) {
              server.send(new Msg(next++, this));
            } else if (left == 0) {
              if (sum != (long) n * (n + 1) / 2) {
                fail(new IllegalStateException("actor checksum " + sum));
                return;
              }
              n = 0;
              pairDone();
            }
          }
        };
  }

  /**
   * An actor: a mailbox and a behaviour, run by the pool whenever mail is waiting, one message at a
   * time and never on two threads at once.
   */
  private abstract class Actor implements Runnable {
    private final Mailbox mailbox = new Mailbox(256);
    private final AtomicInteger scheduled = new AtomicInteger();

    abstract void receive(Msg m);

    final void send(Msg m) {
      while (!mailbox.offer(m)) {
        Thread.onSpinWait(); // full: the bound is the actor's backpressure
      }
      if (scheduled.compareAndSet(0, 1)) {
        pool.execute(this);
      }
    }

    @Override
    public final void run() {
      for (int i = 0; i < 64; i++) { // then let other actors of this carrier run
        Msg m = mailbox.poll();
        if (m == null) {
          break;
        }
        receive(m);
      }
      scheduled.set(0);
      if (!mailbox.isEmpty() && scheduled.compareAndSet(0, 1)) {
        pool.execute(this);
      }
    }
  }

  /**
   * A bounded multi-producer single-consumer queue: producers claim a slot by moving the tail with
   * a CAS (refusing when the ring is full) and publish it with a release store; the one consumer
   * takes slots in order, and a claimed slot not yet published reads as empty.
   */
  static final class Mailbox {
    private final AtomicReferenceArray<Msg> slots;
    private final int mask;
    private final AtomicLong tail = new AtomicLong();
    private final AtomicLong head = new AtomicLong();

    Mailbox(int capacity) {
      if (Integer.bitCount(capacity) != 1) {
        throw new IllegalArgumentException("capacity must be a power of two");
      }
      slots = new AtomicReferenceArray<>(capacity);
      mask = capacity - 1;
    }

    boolean offer(Msg m) {
      for (; ; ) {
        long t = tail.get();
        if (t - head.get() > mask) {
          return false;
        }
        if (tail.compareAndSet(t, t + 1)) {
          slots.setRelease((int) t & mask, m);
          return true;
        }
      }
    }

    /** Only the consumer calls this. */
    Msg poll() {
      long h = head.getPlain();
      int i = (int) h & mask;
      Msg m = slots.getAcquire(i);
      if (m == null) {
        return null;
      }
      slots.setPlain(i, null);
      head.setRelease(h + 1);
      return m;
    }

    boolean isEmpty() {
      return head.get() == tail.get();
    }
  }

  @Override
  public void close() {
    stopping = true;
    for (Thread t : threads) {
      t.interrupt();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    try {
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
