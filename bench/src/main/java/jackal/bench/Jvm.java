package jackal.bench;

/**
 * Flags every benchmark fork adds to the ones it inherits (JMH forks inherit the launching
 * JVM's flags; {@code jvmArgsAppend} adds, {@code jvmArgs} would replace them).
 *
 * <p>The heap is fixed so that the GC's layout does not depend on the machine's memory: the
 * kernel's per-call cost depends on whether the objects it writes references into share a G1
 * region with what they point to (G1's post-write barrier filters same-region stores), and the
 * region size follows the heap size. 2 GB gives 1 MB regions, where the long-lived kernel
 * objects span several regions, as in any real heap (docs/BENCHMARKS.md, "GC sensitivity").
 */
final class Jvm {
  private Jvm() {}

  static final String EXPORTS = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED";
  static final String HEAP_MIN = "-Xms2g";
  static final String HEAP_MAX = "-Xmx2g";
}
