package jackal.kernel.sched;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Process;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sequential semantics of {@link StallQueue}, and where {@code wakeAll} sends each waiter. */
class StallQueueTest {
  final Scheduler scheduler = TestSchedulers.unstarted(3, 3);
  final Endpoint ep = new Endpoint(9);
  final StallQueue q = ep.waiters();

  static Process proc(long oid) {
    return new Process(oid);
  }

  static List<Long> drain(ReadyQueue rq) {
    List<Long> out = new ArrayList<>();
    for (Process p; (p = rq.pollFirst()) != null; ) {
      out.add(p.oid);
    }
    return out;
  }

  /** Every process a test put on {@link #q}, to find the queue's head without reflection. */
  final List<Process> known = new ArrayList<>();

  /** The queue's order: from the head (the waiter no other waiter links to) along stallNext. */
  List<Long> order() {
    Process head =
        known.stream()
            .filter(p -> p.stalledOn == q)
            .filter(p -> known.stream().noneMatch(o -> o.stallNext == p))
            .findFirst()
            .orElse(null);
    List<Long> out = new ArrayList<>();
    for (Process p = head; p != null; p = p.stallNext) {
      assertThat(p.stalledOn).isSameAs(q);
      out.add(p.oid);
    }
    assertThat(out).as("size() agrees with the links").hasSize(q.size());
    return out;
  }

  Process added(long oid) {
    Process p = proc(oid);
    known.add(p);
    q.add(p);
    return p;
  }

  @Test
  void ownerIsTheObjectWhoseLockGuardsTheQueue() {
    assertThat(q.owner).isSameAs(ep);
    Process p = proc(1);
    assertThat(p.rcvWaitQ().owner).isSameAs(p);
  }

  @Test
  void aQueueIsMadeOnlyWhenTheFirstSenderWaitsAndThenKept() {
    Endpoint fresh = new Endpoint(10);
    Process receiver = proc(11);
    assertThat(fresh.hasWaiters()).as("a fresh endpoint has no queue").isFalse();
    assertThat(receiver.hasRcvWaitQ()).as("a fresh process has no queue").isFalse();
    // Waking and listing the waiters of an object no sender ever waited on changes nothing and
    // makes no queue.
    fresh.wakeWaiters(scheduler, null);
    receiver.wakeSenders(scheduler, null);
    assertThat(fresh.waitingSenders()).isEmpty();
    assertThat(receiver.waitingSenders()).isEmpty();
    assertThat(fresh.hasWaiters()).isFalse();
    assertThat(receiver.hasRcvWaitQ()).isFalse();

    Process sender = proc(12);
    sender.homeCpu = 1;
    receiver.rcvWaitQ().add(sender);
    assertThat(receiver.hasRcvWaitQ()).isTrue();
    assertThat(sender.stalledOn).isSameAs(receiver.rcvWaitQ());
    assertThat(receiver.waitingSenders()).containsExactly(sender);
    receiver.wakeSenders(scheduler, null);
    assertThat(sender.stalledOn).isNull();
    assertThat(drain(scheduler.cpu(1).queue())).containsExactly(12L);
    assertThat(receiver.hasRcvWaitQ()).as("kept, empty, for the next sender").isTrue();
    assertThat(receiver.waitingSenders()).isEmpty();
  }

  @Test
  void addKeepsFifoOrderAndMarksTheWaiter() {
    assertThat(q.isEmpty()).isTrue();
    Process a = added(1);
    Process b = added(2);
    Process c = added(3);
    assertThat(q.size()).isEqualTo(3);
    assertThat(q.isEmpty()).isFalse();
    assertThat(order()).containsExactly(1L, 2L, 3L);
    assertThat(List.of(a, b, c)).allMatch(p -> p.stalledOn == q);
    assertThat(c.stallNext).isNull();
  }

  @Test
  void removeFromHeadMiddleAndTailKeepsTheRestLinked() {
    Process a = added(1);
    Process b = added(2);
    Process c = added(3);
    Process d = added(4);

    q.remove(b); // middle
    assertThat(order()).containsExactly(1L, 3L, 4L);
    assertThat(b.stalledOn).isNull();
    assertThat(b.stallNext).isNull();

    q.remove(d); // tail: the next add must link after c, not after d
    assertThat(order()).containsExactly(1L, 3L);
    Process e = added(5);
    assertThat(order()).containsExactly(1L, 3L, 5L);

    q.remove(a); // head
    assertThat(order()).containsExactly(3L, 5L);
    assertThat(a.stalledOn).isNull();

    q.remove(c);
    q.remove(e);
    assertThat(q.isEmpty()).isTrue();
    assertThat(q.size()).isZero();
    Process f = added(6); // empty again: head and tail both reset
    assertThat(order()).containsExactly(6L);
    assertThat(f.stalledOn).isSameAs(q);
  }

  @Test
  void removingAProcessThatIsNotHereChangesNothing() {
    added(1);
    added(2);
    Endpoint other = new Endpoint(10);
    Process elsewhere = proc(7);
    other.waiters().add(elsewhere);

    q.remove(elsewhere);
    q.remove(proc(8));
    assertThat(order()).containsExactly(1L, 2L);
    assertThat(elsewhere.stalledOn).as("still on its own queue").isSameAs(other.waiters());
    assertThat(other.waiters().size()).isEqualTo(1);
  }

  @Test
  void wakeAllEmptiesTheQueueAndReadiesEveryWaiterAtTheBackOfItsHomeCpuInOrder() {
    Process already = proc(100);
    scheduler.cpu(1).queue().addLast(already);

    Process a = added(1);
    Process b = added(2);
    Process c = added(3);
    Process d = added(4);
    b.homeCpu = 1;
    c.homeCpu = 2;
    c.cpuMask = 0b011; // home CPU 2 not allowed: goes to the first allowed CPU, 0
    d.homeCpu = 1;

    q.wakeAll(scheduler, null);

    assertThat(q.isEmpty()).isTrue();
    assertThat(q.size()).isZero();
    for (Process p : List.of(a, b, c, d)) {
      assertThat(p.stalledOn).isNull();
      assertThat(p.stallNext).isNull();
      assertThat(p.sched).isEqualTo(Process.READY);
    }
    assertThat(drain(scheduler.cpu(0).queue())).containsExactly(1L, 3L);
    assertThat(drain(scheduler.cpu(1).queue()))
        .as("appended behind what was there")
        .containsExactly(100L, 2L, 4L);
    assertThat(drain(scheduler.cpu(2).queue())).isEmpty();
  }

  @Test
  void wakeAllSkipsWaitersThatAreNotIdleOrHaveExitedButStillUnlinksThem() {
    Process running = added(1);
    running.sched = Process.ON_CPU;
    Process gone = added(2);
    gone.exited = true;
    Process ready = added(3);
    ready.sched = Process.READY; // already on some queue: must not be queued twice
    Process idle = added(4);

    q.wakeAll(scheduler, null);

    assertThat(q.isEmpty()).isTrue();
    assertThat(List.of(running, gone, ready, idle))
        .allMatch(p -> p.stalledOn == null && p.stallNext == null);
    assertThat(drain(scheduler.cpu(0).queue())).containsExactly(4L);
    assertThat(running.sched).isEqualTo(Process.ON_CPU);
    assertThat(gone.sched).isEqualTo(Process.IDLE);
  }

  @Test
  void wakeAllOfAnEmptyQueueDoesNothing() {
    q.wakeAll(scheduler, scheduler.cpu(0));
    assertThat(q.isEmpty()).isTrue();
    for (int i = 0; i < 3; i++) {
      assertThat(scheduler.cpu(i).queue().isEmpty()).isTrue();
    }
  }

  @Test
  void aWokenProcessCanStallAgain() {
    Process a = added(1);
    q.wakeAll(scheduler, null);
    drain(scheduler.cpu(0).queue());
    a.sched = Process.IDLE; // dispatched and blocked again
    q.add(a);
    assertThat(a.stalledOn).isSameAs(q);
    q.wakeAll(scheduler, null);
    assertThat(drain(scheduler.cpu(0).queue())).containsExactly(1L);
  }
}
