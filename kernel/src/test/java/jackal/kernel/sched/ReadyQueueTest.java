package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.cap.Seeded;
import jackal.kernel.obj.Process;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Sequential deque semantics of {@link ReadyQueue}, and a multi-threaded exactly-once check. */
class ReadyQueueTest {

  static Process proc(long oid, long mask) {
    Process p = new Process(oid);
    p.cpuMask = mask;
    return p;
  }

  @Test
  void emptyQueuePollsNull() {
    ReadyQueue q = new ReadyQueue();
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.size()).isZero();
    assertThat(q.pollFirst()).isNull();
    assertThat(q.pollFirstAllowedOn(0)).isNull();
  }

  @Test
  void theMaskUnionNamesOnlyCpusThatMayRunSomethingQueuedSinceTheQueueWasLastEmpty() {
    ReadyQueue q = new ReadyQueue();
    assertThat(q.mayHoldWorkFor(0)).isFalse();
    Process pinned = proc(1, 1L << 0);
    q.addLast(pinned);
    assertThat(q.mayHoldWorkFor(0)).isTrue();
    assertThat(q.mayHoldWorkFor(1)).as("CPU 1 may run nothing queued").isFalse();
    Process anywhere = proc(2, -1);
    q.addFirst(anywhere);
    assertThat(q.mayHoldWorkFor(1)).isTrue();
    assertThat(q.adds()).isEqualTo(2);
    assertThat(q.pollFirst()).isSameAs(anywhere);
    // A superset until the queue empties: CPU 1 may look once more and find nothing.
    assertThat(q.pollFirstAllowedOn(1)).isNull();
    assertThat(q.pollFirst()).isSameAs(pinned);
    assertThat(q.mayHoldWorkFor(0)).isFalse();
    assertThat(q.mayHoldWorkFor(1)).isFalse();
    assertThat(q.adds()).as("the add count only grows").isEqualTo(2);
  }

  @Test
  void addLastIsFifoAndAddFirstJumpsTheQueue() {
    ReadyQueue q = new ReadyQueue();
    Process a = proc(1, -1);
    Process b = proc(2, -1);
    Process c = proc(3, -1);
    q.addLast(a);
    q.addLast(b);
    q.addFirst(c);
    assertThat(q.size()).isEqualTo(3);
    assertThat(q.pollFirst()).isSameAs(c);
    assertThat(q.pollFirst()).isSameAs(a);
    assertThat(q.pollFirst()).isSameAs(b);
    assertThat(q.pollFirst()).isNull();
    assertThat(List.of(a, b, c)).allMatch(p -> p.readyNext == null);
  }

  @Test
  void addFirstOnEmptyQueueAlsoSetsTheTail() {
    ReadyQueue q = new ReadyQueue();
    Process a = proc(1, -1);
    Process b = proc(2, -1);
    q.addFirst(a);
    q.addLast(b);
    assertThat(q.pollFirst()).isSameAs(a);
    assertThat(q.pollFirst()).isSameAs(b);
  }

  @Test
  void pollFirstAllowedOnTakesTheFirstProcessWhoseMaskAllowsTheCpu() {
    ReadyQueue q = new ReadyQueue();
    Process only0 = proc(1, 0b001);
    Process only2 = proc(2, 0b100);
    Process any = proc(3, -1);
    Process only2b = proc(4, 0b100);
    for (Process p : List.of(only0, only2, any, only2b)) {
      q.addLast(p);
    }
    assertThat(q.pollFirstAllowedOn(2)).isSameAs(only2);
    assertThat(q.pollFirstAllowedOn(2)).isSameAs(any);
    assertThat(q.pollFirstAllowedOn(2)).as("tail removed").isSameAs(only2b);
    assertThat(q.pollFirstAllowedOn(2)).isNull();
    assertThat(q.pollFirstAllowedOn(1)).isNull();
    assertThat(q.size()).isEqualTo(1);
    // the tail was fixed when the last process was unlinked from the middle
    Process late = proc(5, -1);
    q.addLast(late);
    assertThat(q.pollFirst()).isSameAs(only0);
    assertThat(q.pollFirst()).isSameAs(late);
    assertThat(q.isEmpty()).isTrue();
  }

  @Test
  void processOnNoCpuIsNeverStolenButCanBePolled() {
    ReadyQueue q = new ReadyQueue();
    Process nowhere = proc(1, 0);
    q.addLast(nowhere);
    for (int cpu = 0; cpu < 64; cpu++) {
      assertThat(q.pollFirstAllowedOn(cpu)).isNull();
    }
    assertThat(q.pollFirst()).isSameAs(nowhere);
  }

  @Test
  void seededRandomOperationsMatchAnArrayDeque() {
    long seed = Seeded.seed();
    SplittableRandom r = Seeded.random(seed, "ReadyQueue/sequential");
    ReadyQueue q = new ReadyQueue();
    ArrayDeque<Process> model = new ArrayDeque<>();
    long[] masks = {-1L, 0b01, 0b10, 0b100, 0};
    for (int i = 0; i < 20_000; i++) {
      String ctx = "step " + i + ", " + Seeded.describe(seed);
      switch (r.nextInt(4)) {
        case 0 -> {
          Process p = proc(i, masks[r.nextInt(masks.length)]);
          q.addFirst(p);
          model.addFirst(p);
        }
        case 1 -> {
          Process p = proc(i, masks[r.nextInt(masks.length)]);
          q.addLast(p);
          model.addLast(p);
        }
        case 2 -> assertThat(q.pollFirst()).as(ctx).isSameAs(model.pollFirst());
        default -> {
          int cpu = r.nextInt(3);
          Process want = null;
          for (Iterator<Process> it = model.iterator(); it.hasNext(); ) {
            Process p = it.next();
            if (p.mayRunOn(cpu)) {
              it.remove();
              want = p;
              break;
            }
          }
          assertThat(q.pollFirstAllowedOn(cpu)).as(ctx).isSameAs(want);
        }
      }
      assertThat(q.size()).as(ctx).isEqualTo(model.size());
    }
  }

  /**
   * Two producers add distinct processes at random ends while two consumers take them (one with
   * pollFirst, one stealing with pollFirstAllowedOn): every process enqueued is dequeued exactly
   * once, a thief only gets processes its CPU may run, and the queue ends empty.
   */
  @Test
  void concurrentProducersAndConsumersDequeueEveryProcessExactlyOnce() throws Exception {
    long seed = Seeded.seed();
    int producers = 2;
    int perProducer = 20_000;
    int total = producers * perProducer;
    ReadyQueue q = new ReadyQueue();
    AtomicIntegerArray taken = new AtomicIntegerArray(total);
    AtomicInteger dequeued = new AtomicInteger();
    List<String> errors = new CopyOnWriteArrayList<>();
    CyclicBarrier start = new CyclicBarrier(producers + 2);
    List<Thread> threads = new ArrayList<>();

    for (int t = 0; t < producers; t++) {
      int id = t;
      threads.add(
          Thread.ofPlatform()
              .unstarted(
                  () -> {
                    SplittableRandom r = Seeded.random(seed, "ReadyQueue/producer" + id);
                    await(start);
                    for (int k = 0; k < perProducer; k++) {
                      Process p = proc(id * perProducer + k, r.nextBoolean() ? -1L : 0b01L);
                      if (r.nextBoolean()) {
                        q.addFirst(p);
                      } else {
                        q.addLast(p);
                      }
                    }
                  }));
    }
    for (int t = 0; t < 2; t++) {
      boolean thief = t == 1;
      threads.add(
          Thread.ofPlatform()
              .unstarted(
                  () -> {
                    await(start);
                    long deadline = System.nanoTime() + 20_000_000_000L;
                    while (dequeued.get() < total && System.nanoTime() < deadline) {
                      Process p = thief ? q.pollFirstAllowedOn(1) : q.pollFirst();
                      if (p == null) {
                        Thread.yield(); // 4 threads on as few as 2 cores: let producers run
                        continue;
                      }
                      if (thief && !p.mayRunOn(1)) {
                        errors.add("thief on CPU 1 got " + p + " with mask " + p.cpuMask);
                      }
                      if (p.readyNext != null) {
                        errors.add(p + " still linked after dequeue");
                      }
                      int n = taken.incrementAndGet((int) p.oid);
                      if (n != 1) {
                        errors.add(p + " dequeued " + n + " times");
                      }
                      dequeued.incrementAndGet();
                    }
                  }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(30_000);
      assertThat(t.isAlive()).as("thread finished").isFalse();
    }
    String ctx = Seeded.describe(seed);
    assertThat(errors).as(ctx).isEmpty();
    assertThat(dequeued.get()).as(ctx).isEqualTo(total);
    for (int i = 0; i < total; i++) {
      if (taken.get(i) != 1) {
        assertThat(taken.get(i)).as("process %d, %s", i, ctx).isEqualTo(1);
      }
    }
    assertThat(q.size()).isZero();
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.pollFirst()).isNull();
  }

  /**
   * With appends only, one consumer sees each producer's processes in the order they were added.
   */
  @Test
  void concurrentAppendsKeepEachProducersOrder() throws Exception {
    int producers = 2;
    int perProducer = 20_000;
    ReadyQueue q = new ReadyQueue();
    CyclicBarrier start = new CyclicBarrier(producers + 1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < producers; t++) {
      int id = t;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    await(start);
                    for (int k = 0; k < perProducer; k++) {
                      q.addLast(proc(((long) id << 32) | k, -1));
                    }
                  }));
    }
    long[] next = new long[producers];
    List<String> errors = new ArrayList<>();
    await(start);
    long deadline = System.nanoTime() + 20_000_000_000L;
    int got = 0;
    while (got < producers * perProducer && System.nanoTime() < deadline) {
      Process p = q.pollFirst();
      if (p == null) {
        Thread.onSpinWait();
        continue;
      }
      int id = (int) (p.oid >>> 32);
      long k = p.oid & 0xFFFF_FFFFL;
      if (k != next[id] && errors.size() < 10) {
        errors.add("producer " + id + ": got " + k + ", expected " + next[id]);
      }
      next[id] = k + 1;
      got++;
    }
    for (Thread t : threads) {
      t.join(10_000);
    }
    assertThat(errors).isEmpty();
    assertThat(got).isEqualTo(producers * perProducer);
    assertThat(q.isEmpty()).isTrue();
  }

  private static void await(CyclicBarrier b) {
    try {
      b.await();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
