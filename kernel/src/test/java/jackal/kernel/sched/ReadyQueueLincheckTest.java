package jackal.kernel.sched;

import jackal.kernel.obj.Process;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * {@link ReadyQueue} is linearizable with respect to a sequential deque. Each add enqueues a new
 * process whose OID is the parameter and whose CPU mask is derived from it, so that {@code
 * pollFirstAllowedOn} has something to skip.
 */
@Param(name = "v", gen = IntGen.class, conf = "0:3")
@Param(name = "cpu", gen = IntGen.class, conf = "0:1")
public class ReadyQueueLincheckTest {

  /** v=0 runs anywhere, v=1 only on CPU 0, v=2 only on CPU 1, v=3 nowhere. */
  static long mask(int v) {
    return switch (v) {
      case 0 -> -1L;
      case 1 -> 0b01L;
      case 2 -> 0b10L;
      default -> 0L;
    };
  }

  static Process process(int v) {
    Process p = new Process(v);
    p.cpuMask = mask(v);
    return p;
  }

  private final ReadyQueue q = new ReadyQueue();

  @Operation
  public void addFirst(@Param(name = "v") int v) {
    q.addFirst(process(v));
  }

  @Operation
  public void addLast(@Param(name = "v") int v) {
    q.addLast(process(v));
  }

  /** The OID taken, or -1 for none. */
  @Operation
  public long pollFirst() {
    Process p = q.pollFirst();
    return p == null ? -1 : checkUnlinked(p);
  }

  @Operation
  public long pollFirstAllowedOn(@Param(name = "cpu") int cpu) {
    Process p = q.pollFirstAllowedOn(cpu);
    return p == null ? -1 : checkUnlinked(p);
  }

  @Operation
  public int size() {
    return q.size();
  }

  @Operation
  public boolean isEmpty() {
    return q.isEmpty();
  }

  private static long checkUnlinked(Process p) {
    // a taken process must not keep a link into the queue (it may be re-queued elsewhere)
    return p.readyNext == null ? p.oid : -100 - p.oid;
  }

  /** The sequential specification: the same operations on an ArrayDeque of OIDs. */
  public static final class Spec {
    private final ArrayDeque<Integer> d = new ArrayDeque<>();

    public void addFirst(int v) {
      d.addFirst(v);
    }

    public void addLast(int v) {
      d.addLast(v);
    }

    public long pollFirst() {
      Integer v = d.pollFirst();
      return v == null ? -1 : v;
    }

    public long pollFirstAllowedOn(int cpu) {
      for (Iterator<Integer> it = d.iterator(); it.hasNext(); ) {
        int v = it.next();
        if ((mask(v) & (1L << cpu)) != 0) {
          it.remove();
          return v;
        }
      }
      return -1;
    }

    public int size() {
      return d.size();
    }

    public boolean isEmpty() {
      return d.isEmpty();
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(30)
        .invocationsPerIteration(100)
        .threads(2)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1)
        .sequentialSpecification(Spec.class)
        .check(ReadyQueueLincheckTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .iterations(10)
        .invocationsPerIteration(1_000)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(2)
        .actorsAfter(1)
        .sequentialSpecification(Spec.class)
        .check(ReadyQueueLincheckTest.class);
  }
}
