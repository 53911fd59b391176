package jackal.kernel.invoke;

import jackal.kernel.obj.KObject;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.Scheduler;
import jackal.kernel.sched.Transaction;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The sleepers of the Sleep interface: processes waiting for a time. One daemon thread wakes each
 * when its deadline passes; the process then re-runs its sleepTill call, finds the time reached,
 * and returns.
 */
final class KernelTimer {
  private record Sleeper(long deadline, Process process) {}

  private final PriorityQueue<Sleeper> queue =
      new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
  private final Scheduler scheduler;
  private final int lockOwner = KObject.newOwnerId();
  private volatile long epochStart = System.nanoTime();
  private Thread thread;
  private boolean stopped;

  KernelTimer(Scheduler scheduler) {
    this.scheduler = scheduler;
  }

  /** Nanoseconds since the kernel started: the restart epoch that sleepTill counts from. */
  long now() {
    return System.nanoTime() - epochStart;
  }

  /**
   * Makes {@link #now} continue from {@code nanos}: the restart epoch of a system resumed from a
   * checkpoint taken at that time, so a sleeper's remaining time is kept and the time down is not
   * counted.
   */
  void resumeFrom(long nanos) {
    epochStart = System.nanoTime() - nanos;
  }

  /**
   * Wakes {@code p} at {@code deadline} (nanoseconds since the epoch). The caller is {@code p}'s
   * own transaction, which holds {@code p}'s lock until the process is off the CPU; the timer takes
   * that lock before waking it, so it never wakes a process still running.
   */
  synchronized void sleep(Process p, long deadline) {
    p.sleepDeadline = deadline;
    queue.add(new Sleeper(deadline, p));
    if (stopped) {
      return; // the kernel is stopping: no CPU would run the process again
    }
    if (thread == null) {
      thread = Thread.ofPlatform().name("jackal-timer").daemon(true).start(this::run);
    } else {
      LockSupport.unpark(thread);
    }
  }

  /** Takes {@code p} (being destroyed, its lock held) off the queue at once. */
  synchronized void cancel(Process p) {
    p.sleepDeadline = 0;
    queue.removeIf(s -> s.process == p);
  }

  /**
   * Ends the timer thread (the kernel is stopping) and waits for it (bounded), unless called on it;
   * sleepers stay asleep for good.
   */
  void stop() {
    Thread t;
    synchronized (this) {
      stopped = true;
      queue.clear();
      t = thread;
    }
    if (t != null) {
      LockSupport.unpark(t);
      if (Thread.currentThread() != t) {
        try {
          t.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** True while some process sleeps. */
  synchronized boolean hasSleepers() {
    return !queue.isEmpty() || waking;
  }

  /**
   * Set while a sleeper taken off the queue is being made ready (this held): until it is on a run
   * queue, the system must not look quiet ({@link Machine#awaitQuiescent}).
   */
  private boolean waking;

  private void run() {
    for (; ; ) {
      Sleeper due = null;
      long wait;
      synchronized (this) {
        if (stopped) {
          return;
        }
        Sleeper first = queue.peek();
        wait = first == null ? Long.MAX_VALUE : first.deadline - now();
        if (wait <= 0) {
          due = queue.poll();
          waking = true;
        }
      }
      if (due != null) {
        try {
          wake(due);
        } finally {
          synchronized (this) {
            waking = false;
          }
        }
      } else {
        // An unpark from sleep() between the check and here makes this park return at once.
        LockSupport.parkNanos(this, wait);
      }
    }
  }

  private void wake(Sleeper s) {
    Process p = s.process;
    while (!Transaction.tryLockOutside(p, lockOwner, scheduler)) {
      Thread.onSpinWait();
    }
    try {
      if (p.sleepDeadline == s.deadline && p.cont != null) {
        p.sleepDeadline = 0;
        scheduler.makeReady(p, false, null);
      }
    } finally {
      p.unlock();
    }
  }
}
