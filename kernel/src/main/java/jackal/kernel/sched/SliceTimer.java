package jackal.kernel.sched;

import jackal.kernel.obj.Process;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The timer interrupt of a machine that has none: one daemon thread that marks a confined process
 * whose CPU's slice is over while others wait on that CPU ({@link PollWord#SLICE}). The process
 * yields at its next preemption check, to the back of its CPU's queue.
 *
 * <p>It wakes when the earliest running slice ends, and rechecks a slice that is over with nobody
 * waiting every half slice (someone may come). With no confined process on any CPU it sleeps until
 * a CPU dispatches one ({@link #confinedDispatched}), or at most {@link #IDLE_SLICES} slices, which
 * bounds the cost of the one race where that wake-up is missed.
 */
final class SliceTimer {
  static final int IDLE_SLICES = 8;

  private final Scheduler scheduler;
  private final Cpu[] cpus;
  private final long sliceNanos;
  private final Thread thread;
  private volatile boolean sleeping;

  /** Marks made (for tests and diagnostics). */
  private volatile long marks;

  SliceTimer(Scheduler scheduler, Cpu[] cpus, long sliceNanos) {
    this.scheduler = scheduler;
    this.cpus = cpus;
    this.sliceNanos = sliceNanos;
    this.thread = Thread.ofPlatform().name("jackal-slice-timer").daemon(true).unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  void stop() {
    LockSupport.unpark(thread);
  }

  /** Waits for the timer's thread to end once the scheduler is stopping (bounded). */
  void join() throws InterruptedException {
    thread.join(TimeUnit.SECONDS.toMillis(5));
  }

  long marks() {
    return marks;
  }

  /** Called by a CPU as it dispatches a confined process: wakes the timer if it sleeps. */
  void confinedDispatched() {
    if (sleeping) {
      sleeping = false;
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (!scheduler.stopping) {
      long wait = tick(System.nanoTime());
      if (wait < 0) {
        sleeping = true;
        wait = tick(System.nanoTime()); // a dispatch may have come before the flag was seen
        if (wait < 0) {
          LockSupport.parkNanos(this, IDLE_SLICES * sliceNanos);
          sleeping = false;
          continue;
        }
        sleeping = false;
      }
      LockSupport.parkNanos(this, Math.max(wait, TimeUnit.MICROSECONDS.toNanos(10)));
    }
  }

  /**
   * Marks every confined process whose slice is over while others wait on its CPU. Returns how long
   * to wait before the next look, or -1 if no confined process runs.
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // written by this thread only
  private long tick(long now) {
    long wait = -1;
    for (Cpu c : cpus) {
      Process p = c.running();
      PollWord w = p == null ? null : p.poll;
      if (w == null) {
        continue;
      }
      long left = c.sliceBegan() + sliceNanos - now;
      if (left <= 0) {
        if (c.hasWaiting() && c.running() == p && (w.get() & PollWord.SLICE) == 0) {
          w.raise(PollWord.SLICE);
          marks++;
        }
        left = sliceNanos / 2;
      }
      wait = wait < 0 ? left : Math.min(wait, left);
    }
    return wait;
  }
}
