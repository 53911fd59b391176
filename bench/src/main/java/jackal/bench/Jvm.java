package jackal.bench;

/**
 * Flags every benchmark fork adds to the ones it inherits (JMH forks inherit the launching JVM's
 * flags; {@code jvmArgsAppend} adds, {@code jvmArgs} would replace them). A {@code -jvmArgsAppend}
 * on JMH's command line replaces this list, so a run under another collector passes all of it again
 * with that collector's flag (docs/BENCHMARKS.md).
 *
 * <p>The heap is fixed so that the GC's layout does not depend on the machine's memory: the
 * kernel's per-call cost depends on where the objects it writes references into lie (G1's
 * post-write barrier filters same-region stores only), and G1's region size follows the heap size.
 *
 * <p>The collector is ParallelGC, as for {@code ./jackal run} (the launcher script): its write
 * barrier is an unconditional card mark, where G1's takes a slow path for every reference store
 * from an old kernel object into another region. Measured side by side (docs/BENCHMARKS.md, "GC
 * choice"), the kernel's figures are 10-33% lower under ParallelGC and no figure is worse.
 */
final class Jvm {
  private Jvm() {}

  static final String EXPORTS = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED";

  /**
   * The kernel reads its CPU threads' stack pointer through the FFM API, which needs native access;
   * without it no same-CPU call runs its server in place (docs/DESIGN-NOTES.md, "The same-CPU call
   * runs its server in place").
   */
  static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

  static final String HEAP_MIN = "-Xms2g";
  static final String HEAP_MAX = "-Xmx2g";
  static final String GC = "-XX:+UseParallelGC";

  /**
   * ParallelGC's write barrier dirties the card of every reference store, unconditionally: one byte
   * of the card table per 512 bytes of heap, so one 64-byte line of the table covers 32 KiB of
   * heap. The kernel's objects written on every call (each CPU's transaction, invocation and
   * thread, the pairs' processes) lie within a few KiB of each other, so two CPUs calling at once
   * write the same lines of the card table on every reference store, and each of those stores takes
   * the line from the other core. With this flag the barrier reads the card first and writes it
   * only if it is clean, which after the first store since the last collection it is not
   * (docs/DESIGN-NOTES.md, "Card marks are shared writes").
   */
  static final String CARD_MARK = "-XX:+UseCondCardMark";

  /**
   * Cards of 128 bytes instead of 512, so one 64-byte line of the card table covers 8 KiB of heap
   * instead of 32. {@link #CARD_MARK} reaches only the compiled code's barrier: the JVM's own code
   * still dirties a card unconditionally on every reference store it makes, and it makes one on
   * every continuation switch (the freeze and the thaw store the continuation's stack chunk into
   * it). Each process's continuation object is allocated by the CPU thread of its first dispatch,
   * next to those of the processes first dispatched just before and after it; when such neighbours
   * later run on different CPUs, both CPUs write the same card-table line at every switch. Smaller
   * cards put four times fewer continuations on a line (docs/DESIGN-NOTES.md, "Card marks are
   * shared writes").
   */
  static final String CARD_SIZE = "-XX:GCCardSizeInBytes=128";

  /**
   * The heap on 2 MiB pages where the operating system gives them (Linux's transparent huge pages,
   * asked for with madvise; elsewhere the flag does nothing). On this project's virtual machines
   * the first touch of a 4 KiB page of fresh memory costs about 10 us (the host backs the guest's
   * memory as it is first touched): a million new processes touch 1.3 GB of new heap, which on 4
   * KiB pages was most of their creation's wall-clock time (docs/BENCHMARKS.md, "Scale", "Where the
   * wall clock went").
   */
  static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

  /**
   * The scale benchmark's heap: 6 GiB (the goal's), committed from the start. Left to grow from its
   * default start (1/64 of the machine's memory), the heap grew by young collections that each
   * copied the new processes again and by expansions of the old generation; fixed, its young
   * generation (a third of it) holds a million new processes, and one collection copies them once.
   */
  static final String SCALE_HEAP_MIN = "-Xms6g";

  static final String SCALE_HEAP_MAX = "-Xmx6g";
}
