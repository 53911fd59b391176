package jackal.bench;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Optional;

/**
 * Puts a whole benchmark JVM on one host CPU, for the figures measured "on one CPU" and the ratios
 * between them (docs/BENCHMARKS.md, "Seventeenth session"): on this machine the two vCPUs can run
 * the same code a third apart for minutes at a time, so a one-CPU figure and the baseline it is
 * divided by must run on the same host CPU, or the ratio is partly the host's. Every thread of the
 * JVM (the benchmark's, the kernel's, the JIT's and the collector's) gets the same one-CPU
 * affinity, and threads made later inherit it from their makers.
 *
 * <p>The CPU is the system property {@code jackal.bench.hostCpu}: a CPU number, or {@code off} to
 * leave the JVM where the OS puts it; by default the last CPU this JVM may run on. Linux only
 * ({@code sched_setaffinity}); elsewhere, or if the call fails, it says so once and changes
 * nothing.
 */
final class HostCpu {
  private HostCpu() {}

  /** A {@code cpu_set_t}: 1024 CPUs. */
  private static final long MASK_BYTES = 128;

  private static boolean pinned;

  /**
   * Pins this JVM to the CPU {@code jackal.bench.hostCpu} names (see the class comment) and says so
   * on stderr, once per JVM; later calls do nothing.
   */
  static synchronized void pinFromProperty() {
    if (pinned) {
      return;
    }
    pinned = true;
    int cpu = cpuNamed(System.getProperty("jackal.bench.hostCpu", ""));
    if (cpu >= 0) {
      BitSet one = new BitSet();
      one.set(cpu);
      System.err.println("jackal.bench: " + pin(one));
    }
  }

  /**
   * The CPU a value of {@code jackal.bench.hostCpu} names: the number given, the last CPU this JVM
   * may run on for an empty value, -1 for {@code off}.
   */
  static int cpuNamed(String value) {
    String v = value.strip();
    if (v.equals("off")) {
      return -1;
    }
    if (v.isEmpty()) {
      return allowedCpus().length() - 1;
    }
    int cpu;
    try {
      cpu = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "jackal.bench.hostCpu is a CPU number or 'off', not '" + v + "'", e);
    }
    if (cpu < 0 || cpu >= MASK_BYTES * 8) {
      throw new IllegalArgumentException(
          "jackal.bench.hostCpu "
              + cpu
              + " is not a CPU number (0 to "
              + (MASK_BYTES * 8 - 1)
              + ")");
    }
    return cpu;
  }

  /**
   * Sets the affinity of every thread of this JVM to {@code cpus}; returns what it did, for the
   * log. Threads are listed twice: one made by a thread not yet pinned while the first pass ran is
   * caught by the second.
   */
  static String pin(BitSet cpus) {
    Optional<MethodHandle> call = setAffinity();
    if (call.isEmpty() || !Files.isDirectory(TASKS)) {
      return "not pinned to host CPUs " + cpus + " (no sched_setaffinity here)";
    }
    int done = 0;
    int failed = 0;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment mask = mask(arena, cpus);
      for (int pass = 0; pass < 2; pass++) {
        done = 0;
        failed = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
          for (Path task : tasks) {
            int tid = Integer.parseInt(task.getFileName().toString());
            // A thread that ended since the listing fails with ESRCH: nothing to pin.
            if ((int) call.get().invokeExact(tid, MASK_BYTES, mask) == 0) {
              done++;
            } else {
              failed++;
            }
          }
        }
      }
    } catch (IOException e) {
      return "not pinned to host CPUs " + cpus + " (" + e.getMessage() + ")";
    } catch (Throwable t) {
      throw new IllegalStateException("sched_setaffinity failed", t);
    }
    if (done == 0) {
      return "not pinned to host CPUs " + cpus + " (sched_setaffinity refused every thread)";
    }
    return "pinned "
        + done
        + " threads to host CPUs "
        + cpus
        + (failed > 0 ? " (" + failed + " refused: threads gone, or CPUs not allowed)" : "");
  }

  private static final Path TASKS = Path.of("/proc/self/task");

  /** The name the kernel gives CPU {@code n}'s thread is this and {@code n}. */
  private static final String CPU_THREAD = "jackal-cpu-";

  /**
   * If the system property {@code jackal.bench.pinCpus} is {@code true}, pins each of the kernel's
   * CPU threads running now ({@code jackal-cpu-N}) to host CPU N, when this JVM may run there, and
   * says so on stderr: for A/B runs of a two-CPU probe, where an unpinned JVM's threads sit on
   * whichever vCPUs the OS gives them and the two vCPUs may run a third apart. Call it after the
   * kernel has booted.
   */
  static void pinKernelCpusIfAsked() {
    if (Boolean.getBoolean("jackal.bench.pinCpus")) {
      System.err.println("jackal.bench: " + pinKernelCpus());
    }
  }

  /** Pins each kernel CPU thread {@code jackal-cpu-N} to host CPU N; returns what it did. */
  static String pinKernelCpus() {
    Optional<MethodHandle> call = setAffinity();
    if (call.isEmpty() || !Files.isDirectory(TASKS)) {
      return "kernel CPUs not pinned (no sched_setaffinity here)";
    }
    BitSet allowed = allowedCpus();
    StringBuilder done = new StringBuilder();
    try (Arena arena = Arena.ofConfined();
        DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
      for (Path task : tasks) {
        String name;
        try {
          name = Files.readString(task.resolve("comm")).strip();
        } catch (IOException gone) {
          continue; // the thread ended since the listing
        }
        if (!name.startsWith(CPU_THREAD)) {
          continue;
        }
        int n;
        try {
          n = Integer.parseInt(name.substring(CPU_THREAD.length()));
        } catch (NumberFormatException notOurs) {
          continue;
        }
        if (!allowed.get(n)) {
          continue;
        }
        BitSet one = new BitSet();
        one.set(n);
        MemorySegment mask = mask(arena, one);
        int tid = Integer.parseInt(task.getFileName().toString());
        if ((int) call.get().invokeExact(tid, MASK_BYTES, mask) == 0) {
          done.append(done.isEmpty() ? "" : ", ").append(name).append(" on host CPU ").append(n);
        }
      }
    } catch (IOException e) {
      return "kernel CPUs not pinned (" + e.getMessage() + ")";
    } catch (Throwable t) {
      throw new IllegalStateException("sched_setaffinity failed", t);
    }
    return done.isEmpty() ? "no kernel CPU thread pinned" : "pinned " + done;
  }

  /**
   * The CPUs the calling thread may run on, from {@code /proc/thread-self/status}; where that
   * cannot be read, CPUs 0 to {@link Runtime#availableProcessors()} - 1.
   */
  static BitSet allowedCpus() {
    BitSet cpus = new BitSet();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
        if (line.startsWith("Cpus_allowed_list:")) {
          for (String range : line.substring(line.indexOf(':') + 1).strip().split(",")) {
            int dash = range.indexOf('-');
            int from = Integer.parseInt(range.substring(0, dash < 0 ? range.length() : dash));
            int to = dash < 0 ? from : Integer.parseInt(range.substring(dash + 1));
            cpus.set(from, to + 1);
          }
          return cpus;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Fall through: not Linux, or a status line of another form.
    }
    cpus.clear();
    cpus.set(0, Runtime.getRuntime().availableProcessors());
    return cpus;
  }

  /** {@code cpus} as a {@code cpu_set_t} in {@code arena}. */
  private static MemorySegment mask(Arena arena, BitSet cpus) {
    MemorySegment mask = arena.allocate(MASK_BYTES);
    for (int cpu = cpus.nextSetBit(0); cpu >= 0; cpu = cpus.nextSetBit(cpu + 1)) {
      mask.set(JAVA_BYTE, cpu / 8, (byte) (mask.get(JAVA_BYTE, cpu / 8) | (1 << (cpu % 8))));
    }
    return mask;
  }

  private static Optional<MethodHandle> setAffinity() {
    Linker linker = Linker.nativeLinker();
    return linker
        .defaultLookup()
        .find("sched_setaffinity")
        .map(
            f ->
                linker.downcallHandle(
                    f, FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS)));
  }
}
