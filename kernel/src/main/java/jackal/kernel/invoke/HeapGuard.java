package jackal.kernel.invoke;

import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObType;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.PollWord;
import jackal.kernel.sched.Scheduler;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The bound on live memory (docs/SECURITY.md, "Memory"). All processes share one heap, so when the
 * live heap passes a threshold some process must give memory back before the JVM runs short. The
 * guard's thread looks at the heap every few milliseconds; when the last collection left it over
 * the threshold, it holds every program that allocated lately (they wait off the CPU at their next
 * check), confirms with a full collection (a young collection's figure still counts old garbage)
 * and, while the live heap stays over, takes one confined process at a time: the one that allocated
 * most since the live heap was last under half the threshold (charged by the CPUs as processes
 * leave them: {@link Process#allocated}). That process's poll word gets {@link PollWord#LIMIT}:
 * running, it unwinds at its next check; not running (waiting in a receive, stalled, faulted), it
 * is made ready and unwinds where it waited ({@link Gate}). Either way it takes AllocationLimit,
 * its stack and its classes become garbage, and its handler is told. The guard waits until it has
 * unwound before it looks at the heap again.
 *
 * <p>Only confined processes are ever taken: trusted code has no checks to unwind it, and the
 * kernel's own memory is not a process's. A program that only makes garbage never moves the live
 * heap, so it is taken only when something else holds the heap over the threshold and it allocated
 * more than every other program meanwhile (docs/SECURITY.md says so).
 */
final class HeapGuard {
  /** How often the guard re-wakes a taken process that has not unwound yet. */
  private static final long REWAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /** The longest the guard keeps waking held programs that do not come back (destroyed ones). */
  private static final long RELEASE_NANOS = TimeUnit.SECONDS.toNanos(5);

  /**
   * Less than this (or 1/128 of the threshold, if more) allocated since the heap was last under
   * half the threshold, and a program is never taken: it cannot be what holds the heap over.
   */
  static final long MIN_BLAME_BYTES = 1 << 20;

  /**
   * How often the guard looks at the heap: while the heap is under half the threshold, and over
   * (when a fast allocator could pass the threshold between two looks).
   */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private static final long NEAR_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final Machine machine;
  private final Scheduler scheduler;
  private final long threshold;

  /**
   * Half the threshold: a program's count is what it allocated since the heap was last under this
   * mark. Counting only since the heap was last under the threshold itself would count the last few
   * milliseconds before it passed: whoever allocated then, not who filled the heap.
   */
  private final long lowMark;

  private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();
  private final List<MemoryPoolMXBean> oldPools = new ArrayList<>();
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile boolean stopping;

  /** Before this time the guard does not act again after a round with nobody to blame. */
  private long quietUntil;

  /** How long the guard rests after a round with nobody to blame. */
  private static final long FRUITLESS_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** True while the guard holds programs or waits for one to unwind. */
  private volatile boolean busy;

  /** Processes taken so far (for tests and the status line). */
  private volatile long taken;

  /**
   * @param percent the threshold, in percent of the JVM's largest heap; 100 turns the guard off
   */
  HeapGuard(Machine machine, int percent) {
    this.machine = machine;
    this.scheduler = machine.scheduler;
    long max = Runtime.getRuntime().maxMemory();
    this.threshold = percent >= 100 || max == Long.MAX_VALUE ? Long.MAX_VALUE : max / 100 * percent;
    this.lowMark = threshold / 2;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.isCollectionUsageThresholdSupported()) {
        heapPools.add(pool);
        if (pool.getName().contains("Old") || pool.getName().contains("Tenured")) {
          oldPools.add(pool);
        }
      }
    }
    if (oldPools.isEmpty()) {
      oldPools.addAll(heapPools); // one pool for the whole heap (or names not known here)
    }
    afterLastCollection(); // the first reads load classes: not while a hoarder fills the heap
    oldNow();
    this.thread = Thread.ofPlatform().name("jackal-heap-guard").daemon(true).unstarted(this::run);
  }

  long threshold() {
    return threshold;
  }

  long taken() {
    return taken;
  }

  /**
   * True while the guard is at work: held programs wait off the CPU for it, so the CPUs can all be
   * idle while something is still going to happen.
   */
  boolean busy() {
    return busy;
  }

  void start() {
    if (threshold == Long.MAX_VALUE || !Scheduler.chargesAllocation() || heapPools.isEmpty()) {
      scheduler.meterInPlace(false); // nobody reads the counts
      return; // off, or nothing to measure or blame anyone with
    }
    thread.start();
  }

  /** Ends the guard's thread and waits for it (bounded), unless called on that thread. */
  void stop() {
    stopping = true;
    LockSupport.unpark(thread);
    if (thread.isAlive() && Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Looks at the heap every {@link #POLL_NANOS}. The JVM's collection notifications would save the
   * polling, but they are built on JMX open types, and the first one took seconds to arrive on a
   * loaded machine: long enough for a hoarder to fill the heap. Two reads a look, no allocation
   * beyond two small records: the heap in use now, and only when that is over the threshold, what
   * the last collection left (the garbage a program makes is in the first, never in the second).
   */
  private void run() {
    long wait = POLL_NANOS;
    while (!stopping) {
      LockSupport.parkNanos(this, wait);
      try {
        long used = memory.getHeapMemoryUsage().getUsed();
        meterInPlace(used);
        long live = Math.max(afterLastCollection(), oldNow());
        wait = live > lowMark ? NEAR_POLL_NANOS : POLL_NANOS;
        if (used <= lowMark) {
          scheduler.newAllocWindow(); // nothing live can be over the low mark: it is all under
        } else if (live > threshold && System.nanoTime() >= quietUntil) {
          if (!guard()) {
            // Over, and no program to blame (the kernel or trusted code holds it): a full
            // collection every look would not change that, so look less often for a while.
            quietUntil = System.nanoTime() + FRUITLESS_NANOS;
          }
        }
      } catch (RuntimeException | Error e) {
        // The guard must outlive anything (an OutOfMemoryError as it reports): it looks again.
      }
    }
  }

  /**
   * Exact counts are needed only where they may soon decide whom to fault: the CPUs read the
   * allocation meter at the switches of calls run in place while the heap in use is over a quarter
   * of the threshold (on from there, off again under an eighth). The window a count belongs to
   * starts at the last look that found the heap in use under half the threshold; at that look
   * metering was on, or it came on at the next look, so what a window leaves uncounted is at most
   * what runs in place allocated in one look's interval ({@link Scheduler#meterInPlace(boolean)};
   * docs/SECURITY.md, "Memory").
   */
  private void meterInPlace(long used) {
    if (used > threshold / 4) {
      scheduler.meterInPlace(true);
    } else if (used <= threshold / 8) {
      scheduler.meterInPlace(false);
    }
  }

  /**
   * The old generation in use now: what survived collections, and arrays too large for the young
   * generation, which the JVM puts there at once (a program keeping those runs no young collection
   * that would tell the guard). A program's short-lived garbage is never here; large garbage arrays
   * are, until the next collection: then the guard's full collection finds the heap under, and the
   * programs it held go on.
   */
  private long oldNow() {
    long used = 0;
    for (MemoryPoolMXBean pool : oldPools) {
      used += pool.getUsage().getUsed();
    }
    return used;
  }

  /** The heap the last collection left in use (live data, and old garbage it did not reach). */
  private long afterLastCollection() {
    long used = 0;
    for (MemoryPoolMXBean pool : heapPools) {
      MemoryUsage u = pool.getCollectionUsage();
      if (u != null) {
        used += u.getUsed();
      }
    }
    return used;
  }

  /**
   * Holds every program that allocated since the live heap was last under half the threshold (so
   * none can fill the heap while the guard works), then takes one process after another while the
   * live heap stays over, then lets the others go. False if it found nobody to take.
   */
  @SuppressWarnings({"NonAtomicVolatileUpdate", "SystemGc"}) // taken: this thread only
  private boolean guard() {
    if (pick() == null) {
      return false; // no program to blame: no full collection (trusted code, the kernel's own)
    }
    List<Process> held = new ArrayList<>();
    busy = true;
    try {
      hold(held);
      while (!stopping) {
        // A young collection's figure counts garbage already in the old generation; only a full
        // collection tells what is live. It happens only while the heap looks over the threshold.
        System.gc();
        long live = memory.getHeapMemoryUsage().getUsed();
        if (live <= threshold) {
          if (live <= lowMark) {
            scheduler.newAllocWindow();
          }
          return true;
        }
        Process culprit = pick();
        PollWord poll = culprit == null ? null : culprit.poll;
        if (poll == null) {
          machine.log.line(
              "heap guard: live heap "
                  + mib(live)
                  + " MiB over "
                  + mib(threshold)
                  + " MiB, and no program allocated since it was last under half that");
          return false;
        }
        long bytes = scheduler.allocatedInWindow(culprit);
        taken++;
        machine.log.line(
            "heap guard: live heap "
                + mib(live)
                + " MiB over "
                + mib(threshold)
                + " MiB; "
                + culprit
                + " allocated "
                + mib(bytes)
                + " MiB since the heap was last under half that, the most of any program:"
                + " AllocationLimit");
        poll.overHeap();
        poll.clear(PollWord.HOLD);
        awaitUnwound(culprit, poll);
      }
      return true;
    } finally {
      release(held);
      busy = false;
    }
  }

  /** Marks HOLD on every confined program that allocated in the current window. */
  private void hold(List<Process> held) {
    for (KObject o : machine.objects.all(ObType.PROCESS)) {
      Process p = (Process) o;
      PollWord poll = p.poll;
      if (poll != null && !p.exited && scheduler.allocatedInWindow(p) > 0) {
        poll.raise(PollWord.HOLD);
        held.add(p);
      }
    }
  }

  /**
   * Lets every held program go: clears HOLD, then wakes each one that waits for it. A program may
   * be on its way to wait (it saw HOLD before it was cleared) when the guard first looks, so the
   * guard wakes until it sees the program past its wait, bounded in case it is destroyed meanwhile.
   */
  private void release(List<Process> held) {
    for (Process p : held) {
      PollWord poll = p.poll;
      if (poll != null) {
        poll.clear(PollWord.HOLD);
      }
    }
    long deadline = System.nanoTime() + RELEASE_NANOS;
    for (Process p : held) {
      while (p.held && p.poll != null && System.nanoTime() < deadline) {
        if (p.sched == Process.IDLE) {
          scheduler.makeReady(p, false, null);
        }
        LockSupport.parkNanos(this, REWAKE_NANOS / 10);
      }
    }
  }

  /**
   * The confined process that allocated most in the current window, not yet taken nor destroyed;
   * null if none allocated at least {@link #MIN_BLAME_BYTES} (or 1/128 of the threshold).
   */
  private Process pick() {
    Process best = null;
    long most = Math.max(MIN_BLAME_BYTES, threshold / 128) - 1;
    for (KObject o : machine.objects.all(ObType.PROCESS)) {
      Process p = (Process) o;
      PollWord poll = p.poll;
      if (poll == null || p.exited || (poll.get() & (PollWord.LIMIT | PollWord.STOP)) != 0) {
        continue;
      }
      long bytes = scheduler.allocatedInWindow(p);
      if (bytes > most) {
        most = bytes;
        best = p;
      }
    }
    return best;
  }

  /**
   * Waits until {@code p} has unwound: its program's failure drops its poll word (and a destroy
   * clears it). A process that is not running is made ready so that it unwinds where it waits; a
   * wake can miss a process on its way to wait (the mark came while it was still on the CPU), so
   * the wake is repeated until it has unwound.
   */
  private void awaitUnwound(Process p, PollWord poll) {
    boolean told = false;
    while (!stopping && p.poll == poll && !p.exited) {
      if (p.sched == Process.IDLE) {
        if (!told && !p.held) {
          told = true;
          machine.log.line("heap guard: " + p + " waits (not on a CPU): woken to unwind");
        }
        scheduler.makeReady(p, false, null);
      }
      LockSupport.parkNanos(this, REWAKE_NANOS);
    }
  }

  private static long mib(long bytes) {
    return bytes >> 20;
  }
}
