package jackal.kernel.sched;

import jackal.kernel.obj.Process;
import java.util.concurrent.locks.LockSupport;

/**
 * One simulated CPU: a platform thread running a dispatch loop over its own ready queue. It runs
 * each process's continuation until the process yields, then releases whatever locks the yielding
 * transaction left behind and picks the next process: first the one a sender donated its slice to,
 * then the head of its own queue, then work stolen from a CPU of the same node.
 */
public final class Cpu {
  public final int id;
  public final int node;
  public final Transaction txn = new Transaction(this);
  final ReadyQueue queue = new ReadyQueue();
  private final Scheduler scheduler;
  private final Thread thread;

  /** The process a sender donated its slice to: the front of the queue, owned by this thread. */
  private Process donated;

  /** The process running now (only meaningful on this CPU's thread). */
  private Process current;

  private volatile boolean parked;

  /** When the current slice began: donation passes the slice on without restarting it. */
  private long sliceStart;

  /** Statistics, each written only by this CPU's thread. */
  private long dispatches;

  private long parks;
  private long steals;

  /** Transactions abandoned for lock contention on this CPU (written by this CPU's thread). */
  public long restarts;

  Cpu(Scheduler scheduler, int id, int node) {
    this.scheduler = scheduler;
    this.id = id;
    this.node = node;
    this.thread = Thread.ofPlatform().name("jackal-cpu-" + id).daemon(true).unstarted(this::loop);
  }

  void start() {
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  public Process current() {
    return current;
  }

  public long dispatches() {
    return dispatches;
  }

  public long parks() {
    return parks;
  }

  public long steals() {
    return steals;
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Puts {@code p} at the very front: it runs as soon as the current process yields. Called only on
   * this CPU's thread.
   */
  void donate(Process p) {
    Process old = donated;
    donated = p;
    if (old != null) {
      queue.addFirst(old);
    }
  }

  private void loop() {
    while (!scheduler.stopping) {
      Process p = nextProcess();
      if (p == null) {
        idle();
        continue;
      }
      dispatch(p);
    }
  }

  /**
   * The next process: the one the last process donated its slice to, unless that slice has run out
   * and others are waiting, in which case it goes to the back of the queue (what a timer interrupt
   * does in Coyotos; here the check happens at the switch, the only preemption point). Without
   * this, two processes calling each other would keep the CPU forever.
   */
  private Process nextProcess() {
    Process p = donated;
    if (p != null) {
      donated = null;
      if (queue.isEmpty() || System.nanoTime() - sliceStart < scheduler.sliceNanos) {
        return p;
      }
      queue.addLast(p);
    }
    p = queue.pollFirst();
    if (p != null) {
      sliceStart = System.nanoTime();
      return p;
    }
    p = scheduler.steal(this);
    if (p != null) {
      steals++;
      sliceStart = System.nanoTime();
    }
    return p;
  }

  private void dispatch(Process p) {
    p.sched = Process.ON_CPU;
    p.homeCpu = id;
    current = p;
    dispatches++;
    ProgramContinuation ran = p.cont;
    if (ran == null) {
      ran = new ProgramContinuation(() -> scheduler.body.accept(p));
      p.cont = ran;
      p.restartStack = false;
    }
    p.afterYield = Process.AFTER_BLOCK;
    try {
      ran.run();
    } catch (Throwable t) {
      scheduler.reportKernelError(p, t);
      p.exited = true;
    }
    current = null;
    // A continuation that ended after its process discarded it (setSpaceAndPC, destroy) is not the
    // process's end: only the end of the process's current continuation is.
    if (ran.isDone() && p.cont == ran) {
      p.exited = true;
    }
    // restartStack: the process discarded its own stack; it starts again with a new continuation.
    if (!p.exited && (p.afterYield == Process.AFTER_REQUEUE || p.restartStack)) {
      // Still ON_CPU to everyone else until it is back in a queue as READY.
      p.sched = Process.READY;
      txn.releaseAll();
      queue.addLast(p);
      return;
    }
    p.sched = Process.IDLE;
    txn.releaseAll();
  }

  boolean hasWork() {
    return donated != null || !queue.isEmpty() || scheduler.canSteal(this);
  }

  private void idle() {
    long deadline = System.nanoTime() + scheduler.spinNanos;
    while (System.nanoTime() < deadline) {
      if (hasWork() || scheduler.stopping) {
        return;
      }
      Thread.onSpinWait();
    }
    parked = true;
    if (hasWork() || scheduler.stopping) {
      parked = false;
      return;
    }
    parks++;
    LockSupport.park(this);
    parked = false;
  }

  boolean isParked() {
    return parked;
  }

  /** Wakes this CPU if it is parked; called after adding work to its queue. */
  void kick() {
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  ReadyQueue queue() {
    return queue;
  }
}
