package jackal.kernel.sched;

import jackal.kernel.obj.KObject;
import jackal.kernel.obj.Process;

/**
 * The locks one system call holds. Each CPU has one transaction object and runs one system call at
 * a time, so the transaction doubles as the lock owner's identity.
 *
 * <p>A lock is tried, spun on briefly, and then given up: the caller must abandon the whole call
 * (releasing everything) and re-run it, so no CPU ever waits for a lock while holding another.
 */
public final class Transaction {
  private static final int SPINS = 64;

  public final Cpu cpu;

  /** This transaction's lock owner ID. */
  final int id = KObject.newOwnerId();

  private KObject[] held = new KObject[16];
  private int count;
  private boolean committed;

  /**
   * Processes this transaction made ready onto other CPUs, queued there only once its locks are
   * released ({@link Scheduler#makeReady}): their CPUs and whether they go to the front.
   */
  private Process[] wakes = new Process[4];

  private Cpu[] wakeTargets = new Cpu[4];
  private boolean[] wakeFront = new boolean[4];
  private int wakeCount;

  Transaction(Cpu cpu) {
    this.cpu = cpu;
  }

  /**
   * Marks the commit point: from here on the call changes state and must not fail, so taking a new
   * lock is a kernel bug.
   */
  public void commit() {
    committed = true;
  }

  public boolean committed() {
    return committed;
  }

  /** Takes {@code o}'s lock, or throws {@link Restart} if another CPU holds it. */
  public void lock(KObject o) {
    if (committed) {
      if (o.isLockedBy(id)) {
        return; // already held, so already in held[]
      }
      throw new IllegalStateException("kernel bug: lock taken after the commit point");
    }
    // The compare-and-set first, not a read of the owner: an object last locked on another CPU (a
    // cross-CPU call's caller, server and endpoints, locked by both sides in turn) then costs one
    // cache-line transfer, not two. Re-locking an object already held fails the compare-and-set
    // on a line this CPU owns.
    int was = o.lockOrOwner(id);
    if (was == 0) {
      push(o);
    } else if (was != id) {
      lockSlow(o);
    }
  }

  private void lockSlow(KObject o) {
    for (int i = 0; i < SPINS; i++) {
      Thread.onSpinWait();
      if (o.looksUnlocked() && o.tryLock(id)) {
        push(o);
        return;
      }
    }
    throw Restart.CONTENDED;
  }

  private void push(KObject o) {
    o.markDirty(); // a locked object may change: the next checkpoint writes it
    if (count == held.length) {
      held = java.util.Arrays.copyOf(held, count * 2);
    }
    held[count++] = o;
  }

  public boolean holds(KObject o) {
    return o.isLockedBy(id);
  }

  /**
   * Releases every lock: the end of the call, or its abandonment; then queues the processes the
   * call woke onto other CPUs, which can now take those locks at once.
   */
  public void releaseAll() {
    for (int i = count - 1; i >= 0; i--) {
      held[i].unlock();
      held[i] = null;
    }
    count = 0;
    committed = false;
    if (wakeCount > 0) {
      flushWakes();
    }
  }

  /** {@code p} (READY) goes on {@code target}'s queue when this transaction releases its locks. */
  void deferWake(Process p, Cpu target, boolean front) {
    if (wakeCount == wakes.length) {
      int n = wakeCount * 2;
      wakes = java.util.Arrays.copyOf(wakes, n);
      wakeTargets = java.util.Arrays.copyOf(wakeTargets, n);
      wakeFront = java.util.Arrays.copyOf(wakeFront, n);
    }
    wakes[wakeCount] = p;
    wakeTargets[wakeCount] = target;
    wakeFront[wakeCount] = front;
    wakeCount++;
  }

  private void flushWakes() {
    // Indexed from the start: the order of the wakes is the order the call made them.
    for (int i = 0; i < wakeCount; i++) {
      Process p = wakes[i];
      Cpu target = wakeTargets[i];
      wakes[i] = null;
      wakeTargets[i] = null;
      if (target == null) {
        p.markWokenHere(); // a caller waiting on its own CPU (Scheduler.makeReady)
      } else {
        cpu.scheduler().enqueue(p, target, wakeFront[i], cpu);
      }
    }
    wakeCount = 0;
  }

  public int heldCount() {
    return count;
  }
}
