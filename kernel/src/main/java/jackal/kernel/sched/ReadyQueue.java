package jackal.kernel.sched;

import jackal.kernel.obj.Process;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One CPU's ready queue: an intrusive deque of processes linked through {@link Process#readyNext},
 * guarded by a spin lock. The owning CPU takes from the front; any CPU may add at either end (a
 * wake-up from another CPU) or take from the front (an idle CPU of the same node stealing work).
 */
@SuppressWarnings("NonAtomicVolatileUpdate") // size changes only under the spin lock
public final class ReadyQueue {
  private final AtomicInteger lock = new AtomicInteger();
  private Process head;
  private Process tail;

  /** Written only under the spin lock; volatile so that others may read it without the lock. */
  private volatile int size;

  /**
   * How many processes were ever added (written only under the spin lock). A thief that found
   * nothing it may run here needs to look again only once this has moved: taking processes out
   * never makes one it may run appear.
   */
  private volatile long adds;

  private void acquire() {
    while (!lock.compareAndSet(0, 1)) {
      while (lock.get() != 0) {
        Thread.onSpinWait();
      }
    }
  }

  private void release() {
    lock.set(0);
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public int size() {
    return size;
  }

  /** Processes ever added to this queue (see {@link #adds}); readable from any thread. */
  long adds() {
    return adds;
  }

  /** The processes queued now, front first (for the inspector; taken under the spin lock). */
  public java.util.List<Process> snapshot() {
    java.util.List<Process> out = new java.util.ArrayList<>();
    acquire();
    try {
      for (Process p = head; p != null; p = p.readyNext) {
        out.add(p);
      }
    } finally {
      release();
    }
    return out;
  }

  public void addLast(Process p) {
    acquire();
    try {
      p.readyNext = null;
      if (tail == null) {
        head = tail = p;
      } else {
        tail.readyNext = p;
        tail = p;
      }
      size++;
      adds++;
    } finally {
      release();
    }
  }

  public void addFirst(Process p) {
    acquire();
    try {
      p.readyNext = head;
      head = p;
      if (tail == null) {
        tail = p;
      }
      size++;
      adds++;
    } finally {
      release();
    }
  }

  public Process pollFirst() {
    if (size == 0) {
      return null;
    }
    acquire();
    try {
      return unlinkHead();
    } finally {
      release();
    }
  }

  /** Takes the first process that may run on {@code cpu}, for work stealing. */
  public Process pollFirstAllowedOn(int cpu) {
    if (size == 0) {
      return null;
    }
    acquire();
    try {
      Process prev = null;
      for (Process p = head; p != null; prev = p, p = p.readyNext) {
        if (p.mayRunOn(cpu)) {
          if (prev == null) {
            return unlinkHead();
          }
          prev.readyNext = p.readyNext;
          if (tail == p) {
            tail = prev;
          }
          p.readyNext = null;
          size--;
          return p;
        }
      }
      return null;
    } finally {
      release();
    }
  }

  private Process unlinkHead() {
    Process p = head;
    if (p == null) {
      return null;
    }
    head = p.readyNext;
    if (head == null) {
      tail = null;
    }
    p.readyNext = null;
    size--;
    return p;
  }
}
