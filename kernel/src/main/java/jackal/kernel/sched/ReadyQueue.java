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

  /**
   * The CPU masks of the processes added since the queue was last empty, or-ed together (written
   * only under the spin lock): a superset of the CPUs that may run something queued here. A CPU not
   * in it has nothing to steal here and need not take the lock to find that out.
   */
  private volatile long masks;

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

  /** Whether something queued now may run on {@code cpu}, as far as {@link #masks} can tell. */
  boolean mayHoldWorkFor(int cpu) {
    return (masks & (1L << cpu)) != 0;
  }

  /**
   * Counts an added process. The mask and the add count are written before the size, so a thief
   * that sees the new size (it reads the size first) sees them too.
   */
  private void added(Process p) {
    long m = masks | p.cpuMask;
    if (m != masks) {
      masks = m;
    }
    adds++;
    size++;
  }

  private void removed() {
    if (--size == 0 && masks != 0) {
      masks = 0;
    }
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
      added(p);
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
      added(p);
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
          removed();
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
    removed();
    return p;
  }
}
