package jackal.kernel.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Idle threads started between the CPU threads, so that the JVM's per-thread handles of two CPUs do
 * not share a cache line (docs/DESIGN-NOTES.md, "The CPU threads' handles in the JVM").
 *
 * <p>HotSpot keeps four handles for every platform thread it starts (the thread object, the mounted
 * virtual thread, its JVMTI view, and the scoped-value cache) in one process-wide store, eight
 * bytes each, handed out lowest free slot first: two threads started one after the other get
 * sixteen adjacent words, one or two cache lines. A CPU thread writes its scoped-value-cache handle
 * twice on every continuation switch ({@code Continuation.run} mounts and unmounts the cache) and
 * reads its thread handles at every {@code Thread.currentThread()}, so two CPU threads started back
 * to back ping-pong that line on every call: on an otherwise quiet host, the same-CPU calls of a
 * 2-CPU kernel cost 1.7-2.8 times the CPU time of the same calls in two 1-CPU kernels
 * (docs/BENCHMARKS.md, "What one kernel shares between its CPUs").
 *
 * <p>Nothing in Java can place those handles, but the order of thread starts does: {@link #PER_GAP}
 * parked threads started before each CPU thread and after the last put 128 bytes of handles nobody
 * writes between any two CPU threads of this kernel (two cache lines: the adjacent-line prefetcher
 * fetches lines in pairs), and between them and threads started before or after the kernel. The
 * spacers live as long as the CPUs, since a spacer that ended would free its slots for the next
 * thread started; they end when the scheduler stops.
 */
final class HandleSpacers {
  /**
   * Spacer threads per gap: 3 x 4 handles x 8 bytes = 96 bytes, so the handles of the threads on
   * either side start at least 128 bytes apart. One spacer (64 bytes apart) was measured not to be
   * enough every time (docs/BENCHMARKS.md).
   */
  static final int PER_GAP = 3;

  private final Scheduler scheduler;
  private final List<Thread> threads = new ArrayList<>();

  HandleSpacers(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /**
   * Starts one gap's spacers: from {@link Scheduler#start}, before each CPU thread and after all.
   */
  synchronized void startGap() {
    for (int i = 0; i < PER_GAP; i++) {
      Thread t =
          Thread.ofPlatform()
              .name("jackal-spacer-" + threads.size())
              .daemon(true)
              .stackSize(64 * 1024) // a hint: the thread never runs more than its park loop
              .unstarted(this::park);
      threads.add(t);
      t.start();
    }
  }

  private void park() {
    while (!scheduler.stopping) {
      LockSupport.park(this);
    }
  }

  /** Wakes every spacer: the scheduler is stopping, and they end. */
  synchronized void release() {
    for (Thread t : threads) {
      LockSupport.unpark(t);
    }
  }

  /** Waits (a bounded time each) for the released spacers to end. */
  void join() throws InterruptedException {
    for (Thread t : threads()) {
      t.join(TimeUnit.SECONDS.toMillis(5));
    }
  }

  /** The spacer threads started so far, for tests. */
  synchronized List<Thread> threads() {
    return List.copyOf(threads);
  }
}
