package jackal.kernel.sched;

import java.lang.management.ManagementFactory;

/**
 * Reads how many bytes the calling thread has allocated on the heap so far (HotSpot keeps the count
 * per thread, in its allocation buffers). A CPU reads it as a confined process leaves the CPU and
 * charges the difference to that process: see {@link Cpu} and docs/SECURITY.md ("Memory").
 */
final class AllocationMeter {
  private AllocationMeter() {}

  private static final com.sun.management.ThreadMXBean THREADS = threads();

  /** False when this JVM does not count allocation per thread: nothing is then charged. */
  static final boolean AVAILABLE = THREADS != null && current() >= 0;

  private static com.sun.management.ThreadMXBean threads() {
    if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
        && t.isThreadAllocatedMemorySupported()) {
      if (!t.isThreadAllocatedMemoryEnabled()) {
        t.setThreadAllocatedMemoryEnabled(true);
      }
      return t;
    }
    return null;
  }

  /** Bytes allocated by {@code t} since it started; -1 when not counted. */
  static long of(Thread t) {
    return THREADS == null ? -1 : THREADS.getThreadAllocatedBytes(t.threadId());
  }

  /** Bytes allocated by the calling thread since it started; -1 when not counted. */
  static long current() {
    return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
  }
}
