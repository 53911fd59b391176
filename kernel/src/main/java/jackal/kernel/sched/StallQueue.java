package jackal.kernel.sched;

import jackal.kernel.obj.Process;

/**
 * Processes waiting for something to change (a receiver to start receiving, an endpoint to get a
 * recipient). Waking is always "wake all": each waiter re-runs its whole system call, so a spurious
 * wake is harmless.
 *
 * <p>Guarded by the lock of the object the queue belongs to: a process joins while its transaction
 * holds that lock, and waking is done under the same lock.
 */
public final class StallQueue {
  /** The object whose lock guards this queue. */
  public final jackal.kernel.obj.KObject owner;

  private Process head;
  private Process tail;

  public StallQueue(jackal.kernel.obj.KObject owner) {
    this.owner = owner;
  }

  public boolean isEmpty() {
    return head == null;
  }

  /** Adds {@code p}, which must be on no other stall queue. */
  public void add(Process p) {
    p.stalledOn = this;
    p.stallNext = null;
    if (tail == null) {
      head = tail = p;
    } else {
      tail.stallNext = p;
      tail = p;
    }
  }

  /** Removes {@code p} if it is here. */
  public void remove(Process p) {
    Process prev = null;
    for (Process q = head; q != null; prev = q, q = q.stallNext) {
      if (q == p) {
        if (prev == null) {
          head = q.stallNext;
        } else {
          prev.stallNext = q.stallNext;
        }
        if (tail == q) {
          tail = prev;
        }
        q.stallNext = null;
        q.stalledOn = null;
        return;
      }
    }
  }

  /** Empties the queue and makes every waiter ready at the back of its CPU's queue. */
  public void wakeAll(Scheduler scheduler, Cpu from) {
    Process p = head;
    head = tail = null;
    while (p != null) {
      Process next = p.stallNext;
      p.stallNext = null;
      p.stalledOn = null;
      scheduler.makeReady(p, false, from);
      p = next;
    }
  }

  /** The waiters, first first (read under the owner's lock). */
  public java.util.List<Process> members() {
    java.util.List<Process> out = new java.util.ArrayList<>();
    for (Process q = head; q != null; q = q.stallNext) {
      out.add(q);
    }
    return out;
  }

  public int size() {
    int n = 0;
    for (Process q = head; q != null; q = q.stallNext) {
      n++;
    }
    return n;
  }
}
