package jackal.kernel.sched;

import jackal.kernel.obj.KObject;

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
    if (o.isLockedBy(id)) {
      return; // already held, so already in held[]: re-locking costs one load
    }
    if (committed) {
      throw new IllegalStateException("kernel bug: lock taken after the commit point");
    }
    if (!o.tryLock(id)) {
      lockSlow(o);
      return;
    }
    push(o);
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
    o.dirty = true; // a locked object may change: the next checkpoint writes it
    if (count == held.length) {
      held = java.util.Arrays.copyOf(held, count * 2);
    }
    held[count++] = o;
  }

  public boolean holds(KObject o) {
    return o.isLockedBy(id);
  }

  /** Releases every lock: the end of the call, or its abandonment. */
  public void releaseAll() {
    for (int i = count - 1; i >= 0; i--) {
      held[i].unlock();
      held[i] = null;
    }
    count = 0;
    committed = false;
  }

  public int heldCount() {
    return count;
  }
}
