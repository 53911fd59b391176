package jackal.kernel.boot;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The settings a kernel boots with.
 *
 * @param cpus number of simulated CPUs (1-64); default: the available processors
 * @param cpusPerNode CPUs per node of close CPUs (CPUs 0..n-1 are the first node, and so on), when
 *     {@code nodes} is empty; an idle CPU steals within its node first, and from another node only
 *     when none of that node's CPUs is idle
 * @param oidLayout {@code wide} (default: 40-bit OID, 44-bit allocation count) or {@code
 *     coyotos-2007} (64-bit OID, 20-bit count)
 * @param oidsPerType how many OIDs of each object type the store backs
 * @param idleSpinMicros how long an idle CPU spins before it parks
 * @param sliceMicros how long a chain of processes passing the CPU to each other by slice donation
 *     may keep it while other processes wait on that CPU
 * @param console where KernLog output goes, and what the Console capability writes to (the
 *     terminal)
 * @param heapGuardPercent the live heap, in percent of the JVM's largest heap ({@code -Xmx}), past
 *     which the heap guard faults the program that allocated most (AllocationLimit); 100 turns the
 *     guard off. Default {@value #DEFAULT_HEAP_GUARD_PERCENT}: below it the JVM still has room to
 *     collect, and a program growing one structure by doubling has room for its next step.
 * @param nodes the nodes of close CPUs as CPU masks (each CPU in exactly one), e.g. {@code [0b0011,
 *     0b1100]} for two nodes of two CPUs; empty: nodes of {@code cpusPerNode} consecutive CPUs
 * @param checkpointMillis how often a kernel that persists to a store ({@link Kernel#persist})
 *     takes a checkpoint, in milliseconds; 0: only when a program declares a snapshot. Default
 *     {@value #DEFAULT_CHECKPOINT_MILLIS}
 * @param capture whether programs are made capturable when loaded, so that their state can be taken
 *     and restored ({@code Kernel.captureProgramState}, docs/PERSISTENCE.md): on for a kernel that
 *     persists (a store), off by default, since the capture rewriting slows some compute-bound
 *     loops several times (docs/BENCHMARKS.md); off, the loader does not transform at all
 * @param programCache a directory where verified programs are kept across JVMs, so that a system
 *     started again (a resumed store, a second run of an image) does not verify and prepare its
 *     programs again ({@code jackal.kernel.load.VerifiedCache}: entries checked before use, made
 *     for this kernel's build only); null (the default): verified programs are kept in memory only
 * @param crossCpuCalls where a call to a process on a CPU its caller may not run on is run ({@link
 *     CrossCpuCalls}); default {@link CrossCpuCalls#SHIP_AND_STAY}. A kernel that makes programs
 *     capturable runs every call on its caller's CPU, whatever this says
 */
public record KernelConfig(
    int cpus,
    int cpusPerNode,
    String oidLayout,
    long oidsPerType,
    long idleSpinMicros,
    long sliceMicros,
    PrintStream console,
    int heapGuardPercent,
    List<Long> nodes,
    long checkpointMillis,
    boolean capture,
    Path programCache,
    CrossCpuCalls crossCpuCalls) {

  /**
   * Where a call to a recipient on a CPU its caller may not run on is run (docs/DESIGN-NOTES.md, "A
   * cross-CPU call runs where its recipient is" and "A caller with nothing else to run waits on its
   * own CPU"). Every choice gives the same outcome for every call; they differ in speed only, and
   * exist so that each can be measured against the others.
   */
  public enum CrossCpuCalls {
    /** On the caller's CPU, as any other call: the recipient is woken onto its own. */
    AT_CALLER,
    /** On the recipient's CPU, the caller leaving its own while the call is away. */
    SHIP,
    /**
     * On the recipient's CPU; a caller with nothing else to run on its own CPU waits for the call
     * there, on that CPU, instead of leaving it.
     */
    SHIP_AND_STAY
  }

  /** The default heap guard threshold, in percent of the largest heap. */
  public static final int DEFAULT_HEAP_GUARD_PERCENT = 50;

  /**
   * The default spin budget of an idle CPU, in microseconds: the cross-CPU round trip stops
   * improving at 20 us (the spin sweep in docs/BENCHMARKS.md, "A cross-CPU call: the lines it
   * moves"); every microsecond past it is burned by a CPU that goes idle for good.
   */
  public static final long DEFAULT_IDLE_SPIN_MICROS = 20;

  /** The default checkpoint period of a persisting kernel. */
  public static final long DEFAULT_CHECKPOINT_MILLIS = 5000;

  /**
   * The settings with the default heap guard threshold, nodes of {@code cpusPerNode} consecutive
   * CPUs, the default checkpoint period and programs not made capturable.
   */
  public KernelConfig(
      int cpus,
      int cpusPerNode,
      String oidLayout,
      long oidsPerType,
      long idleSpinMicros,
      long sliceMicros,
      PrintStream console) {
    this(
        cpus,
        cpusPerNode,
        oidLayout,
        oidsPerType,
        idleSpinMicros,
        sliceMicros,
        console,
        DEFAULT_HEAP_GUARD_PERCENT,
        List.of(),
        DEFAULT_CHECKPOINT_MILLIS,
        false,
        null,
        CrossCpuCalls.SHIP_AND_STAY);
  }

  public KernelConfig {
    if (cpus < 1 || cpus > 64) {
      throw new IllegalArgumentException("cpus must be 1..64, not " + cpus);
    }
    if (cpusPerNode < 1) {
      throw new IllegalArgumentException("cpusPerNode must be at least 1, not " + cpusPerNode);
    }
    if (oidsPerType < 1) {
      throw new IllegalArgumentException("oidsPerType must be positive");
    }
    if (idleSpinMicros < 0) {
      throw new IllegalArgumentException("idleSpinMicros must not be negative");
    }
    if (sliceMicros < 1) {
      throw new IllegalArgumentException("sliceMicros must be positive");
    }
    if (console == null) {
      throw new IllegalArgumentException("console must not be null");
    }
    if (heapGuardPercent < 1 || heapGuardPercent > 100) {
      throw new IllegalArgumentException(
          "heapGuardPercent must be 1..100, not " + heapGuardPercent);
    }
    if (checkpointMillis < 0) {
      throw new IllegalArgumentException(
          "checkpointMillis must not be negative, not " + checkpointMillis);
    }
    if (crossCpuCalls == null) {
      throw new IllegalArgumentException("crossCpuCalls must not be null");
    }
    jackal.kernel.cap.OidLayout.fromSetting(oidLayout); // validates the name
    nodes = List.copyOf(nodes);
    checkNodes(cpus, nodes);
  }

  private static void checkNodes(int cpus, List<Long> nodes) {
    if (nodes.isEmpty()) {
      return;
    }
    long all = cpus == 64 ? -1L : (1L << cpus) - 1;
    long seen = 0;
    for (long m : nodes) {
      if (m == 0 || (m & ~all) != 0 || (m & seen) != 0) {
        throw new IllegalArgumentException(
            "each node is a non-empty set of the machine's CPUs, in no other node: 0x"
                + Long.toHexString(m));
      }
      seen |= m;
    }
    if (seen != all) {
      throw new IllegalArgumentException("CPUs in no node: 0x" + Long.toHexString(all & ~seen));
    }
  }

  /** The nodes as CPU masks: {@link #nodes} if given, else groups of {@code cpusPerNode}. */
  public long[] nodeMasks() {
    if (!nodes.isEmpty()) {
      return nodes.stream().mapToLong(Long::longValue).toArray();
    }
    long[] masks = new long[(cpus + cpusPerNode - 1) / cpusPerNode];
    for (int i = 0; i < cpus; i++) {
      masks[i / cpusPerNode] |= 1L << i;
    }
    return masks;
  }

  /** The defaults: one CPU per available processor, one node, the wide layout. */
  public static KernelConfig defaults() {
    int n = Math.max(1, Math.min(64, Runtime.getRuntime().availableProcessors()));
    return new KernelConfig(n, n, "wide", 1L << 20, DEFAULT_IDLE_SPIN_MICROS, 500, System.out);
  }

  /**
   * {@code n} CPUs; a single-node machine stays a single node. Nodes given as masks describe
   * another machine and are dropped.
   */
  public KernelConfig withCpus(int n) {
    return with(
        s -> {
          s.cpusPerNode = cpusPerNode >= cpus ? n : Math.min(cpusPerNode, n);
          s.cpus = n;
          s.nodes = List.of();
        });
  }

  /** Nodes of close CPUs given as CPU masks, one per node (see {@link #nodes}). */
  public KernelConfig withNodes(long... masks) {
    List<Long> list = new ArrayList<>();
    for (long m : masks) {
      list.add(m);
    }
    return with(s -> s.nodes = list);
  }

  /** Nodes of {@code n} consecutive CPUs; nodes given as masks are dropped. */
  public KernelConfig withCpusPerNode(int n) {
    return with(
        s -> {
          s.cpusPerNode = n;
          s.nodes = List.of();
        });
  }

  public KernelConfig withOidLayout(String layout) {
    return with(s -> s.oidLayout = layout);
  }

  public KernelConfig withOidsPerType(long n) {
    return with(s -> s.oidsPerType = n);
  }

  public KernelConfig withIdleSpinMicros(long micros) {
    return with(s -> s.idleSpinMicros = micros);
  }

  public KernelConfig withSliceMicros(long micros) {
    return with(s -> s.sliceMicros = micros);
  }

  public KernelConfig withHeapGuardPercent(int percent) {
    return with(s -> s.heapGuardPercent = percent);
  }

  /** A persisting kernel checkpoints every {@code millis} ms (0: only when a program asks). */
  public KernelConfig withCheckpointMillis(long millis) {
    return with(s -> s.checkpointMillis = millis);
  }

  public KernelConfig withConsole(PrintStream out) {
    return with(s -> s.console = out);
  }

  /** Programs made capturable at load, or not (see {@link #capture}). */
  public KernelConfig withCapture(boolean on) {
    return with(s -> s.capture = on);
  }

  /** Verified programs kept in {@code dir} across JVMs (see {@link #programCache}); null: none. */
  public KernelConfig withProgramCache(Path dir) {
    return with(s -> s.programCache = dir);
  }

  /** Where cross-CPU calls run (see {@link #crossCpuCalls}). */
  public KernelConfig withCrossCpuCalls(CrossCpuCalls where) {
    return with(s -> s.crossCpuCalls = where);
  }

  /** These settings with {@code change} applied, checked again by the canonical constructor. */
  private KernelConfig with(Consumer<Settings> change) {
    Settings s = new Settings(this);
    change.accept(s);
    return s.config();
  }

  /** A mutable copy of the components, so each wither names only what it changes. */
  private static final class Settings {
    int cpus;
    int cpusPerNode;
    String oidLayout;
    long oidsPerType;
    long idleSpinMicros;
    long sliceMicros;
    PrintStream console;
    int heapGuardPercent;
    List<Long> nodes;
    long checkpointMillis;
    boolean capture;
    Path programCache;
    CrossCpuCalls crossCpuCalls;

    Settings(KernelConfig c) {
      cpus = c.cpus;
      cpusPerNode = c.cpusPerNode;
      oidLayout = c.oidLayout;
      oidsPerType = c.oidsPerType;
      idleSpinMicros = c.idleSpinMicros;
      sliceMicros = c.sliceMicros;
      console = c.console;
      heapGuardPercent = c.heapGuardPercent;
      nodes = c.nodes;
      checkpointMillis = c.checkpointMillis;
      capture = c.capture;
      programCache = c.programCache;
      crossCpuCalls = c.crossCpuCalls;
    }

    KernelConfig config() {
      return new KernelConfig(
          cpus,
          cpusPerNode,
          oidLayout,
          oidsPerType,
          idleSpinMicros,
          sliceMicros,
          console,
          heapGuardPercent,
          nodes,
          checkpointMillis,
          capture,
          programCache,
          crossCpuCalls);
    }
  }
}
