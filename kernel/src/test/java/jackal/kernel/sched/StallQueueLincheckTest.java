package jackal.kernel.sched;

import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;
import java.util.ArrayList;
import java.util.List;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * {@link StallQueue} used under its owner-lock discipline, as the kernel does: every operation
 * first takes the owning endpoint's lock (spinning on {@code KObject.tryLock}, the lock a
 * transaction takes), then acts, then unlocks. {@code wakeAll} goes through a real but unstarted
 * {@link Scheduler}: woken processes land on CPU 0's ready queue, which the operation drains (still
 * under the owner lock) to report who was woken, in order, and to return them to IDLE as a
 * dispatcher would.
 *
 * <p>Three fixed processes; adding one that is already stalled is refused by the operation (the
 * queue's precondition), so each result is a pure function of the sequential history.
 */
@Param(name = "i", gen = IntGen.class, conf = "0:2")
public class StallQueueLincheckTest {
  /**
   * Shared by all invocations: building a Scheduler under Lincheck's instrumentation costs more
   * than the scenario. Its ready queue is empty between operations (wakeAll drains it), and each
   * instance empties it again in case an earlier invocation was cut short.
   */
  private static final Scheduler scheduler = TestSchedulers.unstarted(1, 1);

  private final Endpoint owner = new Endpoint(0);
  private final StallQueue q = owner.waiters();
  private final Process[] ps = {new Process(0), new Process(1), new Process(2)};

  public StallQueueLincheckTest() {
    while (scheduler.cpu(0).queue().pollFirst() != null) {
      // leftovers of an aborted invocation
    }
  }

  private int lock() {
    int token = jackal.kernel.obj.KObject.newOwnerId();
    while (!owner.tryLock(token)) {
      Thread.onSpinWait();
    }
    return token;
  }

  private void unlock(int token) {
    if (!owner.isLockedBy(token)) {
      throw new AssertionError("lost the owner lock");
    }
    owner.unlock();
  }

  /** Adds process i unless it is already stalled; true if added. */
  @Operation
  public boolean add(@Param(name = "i") int i) {
    int t = lock();
    try {
      Process p = ps[i];
      if (p.stalledOn != null) {
        return false;
      }
      q.add(p);
      return true;
    } finally {
      unlock(t);
    }
  }

  /** Removes process i; true if it was on the queue. */
  @Operation
  public boolean remove(@Param(name = "i") int i) {
    int t = lock();
    try {
      Process p = ps[i];
      boolean was = p.stalledOn == q;
      q.remove(p);
      if (p.stalledOn != null || p.stallNext != null) {
        throw new AssertionError("removed process still linked");
      }
      return was;
    } finally {
      unlock(t);
    }
  }

  /** Wakes everyone; the OIDs that became ready, in queue order. */
  @Operation
  public List<Long> wakeAll() {
    int t = lock();
    try {
      q.wakeAll(scheduler, null);
      if (!q.isEmpty() || q.size() != 0) {
        throw new AssertionError("wakeAll left waiters");
      }
      List<Long> woken = new ArrayList<>();
      ReadyQueue rq = scheduler.cpu(0).queue();
      for (Process p; (p = rq.pollFirst()) != null; ) {
        if (p.sched != Process.READY || p.stalledOn != null || p.stallNext != null) {
          throw new AssertionError("woken process in a bad state: " + p);
        }
        p.sched = Process.IDLE;
        woken.add(p.oid);
      }
      return woken;
    } finally {
      unlock(t);
    }
  }

  @Operation
  public int size() {
    int t = lock();
    try {
      return q.size();
    } finally {
      unlock(t);
    }
  }

  @Operation
  public boolean isEmpty() {
    int t = lock();
    try {
      return q.isEmpty();
    } finally {
      unlock(t);
    }
  }

  /** Sequential specification: a list of indices. */
  public static final class Spec {
    private final List<Long> l = new ArrayList<>();

    public boolean add(int i) {
      if (l.contains((long) i)) {
        return false;
      }
      l.add((long) i);
      return true;
    }

    public boolean remove(int i) {
      return l.remove((Long) (long) i);
    }

    public List<Long> wakeAll() {
      List<Long> w = new ArrayList<>(l);
      l.clear();
      return w;
    }

    public int size() {
      return l.size();
    }

    public boolean isEmpty() {
      return l.isEmpty();
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(12)
        .invocationsPerIteration(100)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1)
        .sequentialSpecification(Spec.class)
        .check(StallQueueLincheckTest.class);
  }
}
