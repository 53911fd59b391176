package jackal.bench;

import jackal.image.store.DiskFiles;
import jackal.image.store.Store;
import jackal.image.store.StoreFiles;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.Snapshot;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Load-independent figures for the checkpoint benchmarks (issue 12), for a shared host where the
 * JMH times of {@link CheckpointBenchmark} swing by a factor of ten: the same 1 GiB kernel with 10%
 * of its pages written before each cut.
 *
 * <ul>
 *   <li>{@code pause N}: N cuts; for each, the CPU time of the thread taking it (what the cut
 *       costs, whatever the scheduler does meanwhile), its wall time and its phases.
 *   <li>{@code write N}: N checkpoints written to a store; after each, in the same moment, as many
 *       bytes written raw to a fresh file of the same directory and appended to a file that grows
 *       as the store's segment does, each forced: the ratios of the store's time to both, and the
 *       store's CPU time.
 * </ul>
 *
 * <p>Run: {@code java --add-exports java.base/jdk.internal.vm=ALL-UNNAMED -Xms6g -Xmx6g
 * -XX:+UseParallelGC -cp bench/target/jackal-bench.jar jackal.bench.CheckpointProbe pause 15} (or
 * {@code write 8}). Not a JMH benchmark: it prints medians of its own rounds.
 */
public final class CheckpointProbe {
  private CheckpointProbe() {}

  private static final int PAGES = CheckpointBenchmark.PAGES;
  private static final Duration BOUND = Duration.ofSeconds(120);

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "pause";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Kernel builder = Kernel.create(CheckpointBenchmark.config());
    List<ObjectRef> pages = new ArrayList<>();
    for (int i = 0; i < PAGES; i++) {
      pages.add(builder.newPage());
    }
    SplittableRandom random = new SplittableRandom(12);
    byte[] one = {1, 2, 3, 4, 5, 6, 7, 8};
    try (Kernel running = builder.boot()) {
      if (mode.equals("pause")) {
        running.cut(true, BOUND).committed();
        long[] cpu = new long[rounds];
        long[] wall = new long[rounds];
        for (int k = 0; k < rounds; k++) {
          dirty(running, pages, random, one);
          System.gc();
          long c0 = mx.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          Snapshot s = running.cut(false, BOUND);
          wall[k] = System.nanoTime() - t0;
          cpu[k] = mx.getCurrentThreadCpuTime() - c0;
          Snapshot.Phases p = s.phases();
          System.out.printf(
              "cut %d: %d pages, cpu %.2f ms, wall %.2f ms (holding %.2f, program states %.2f,"
                  + " objects %.2f)%n",
              k,
              s.pageCount(),
              cpu[k] / 1e6,
              wall[k] / 1e6,
              p.holdNanos() / 1e6,
              p.programsNanos() / 1e6,
              p.objectsNanos() / 1e6);
          s.committed();
        }
        Arrays.sort(cpu);
        Arrays.sort(wall);
        System.out.printf(
            "pause: cpu median %.2f ms (min %.2f); wall median %.2f ms (min %.2f, max %.2f)%n",
            cpu[rounds / 2] / 1e6,
            cpu[0] / 1e6,
            wall[rounds / 2] / 1e6,
            wall[0] / 1e6,
            wall[rounds - 1] / 1e6);
      } else {
        write(running, pages, random, one, rounds, mx);
      }
    }
  }

  private static void dirty(
      Kernel running, List<ObjectRef> pages, SplittableRandom random, byte[] one) {
    for (int i = 0; i < CheckpointBenchmark.DIRTY; i++) {
      running.writePage(pages.get(random.nextInt(PAGES)), 8 * random.nextInt(512), one);
    }
  }

  private static void write(
      Kernel running,
      List<ObjectRef> pages,
      SplittableRandom random,
      byte[] one,
      int rounds,
      ThreadMXBean mx)
      throws Exception {
    Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt");
    ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
    Counting files = new Counting(new DiskFiles(dir));
    try (Store store = Store.open(files)) {
      store.compactAbove(Long.MAX_VALUE);
      running.checkpoint(store, true, BOUND);
      Path segment = dir.resolve("log/segment-000001.jkl");
      Path fresh = dir.resolve("raw.bin");
      Path append = dir.resolve("raw-append.bin");
      double[] toRaw = new double[rounds];
      double[] toAppend = new double[rounds];
      long[] cpu = new long[rounds];
      long[] forceNanos = new long[rounds];
      double[] cpuToAppend = new double[rounds];
      long lastBytes = 0;
      for (int k = 0; k < rounds; k++) {
        dirty(running, pages, random, one);
        Snapshot s = running.cut(false, BOUND);
        long before = Files.size(segment);
        long storeNanos = 0;
        long rawNanos = 0;
        long appendNanos = 0;
        int forces = 0;
        long bytes = 0;
        long rawCpu = 0;
        long appendCpu = 0;
        // The three writers in turn, each first in one round of three: none always follows the
        // same one (the disk's state after a force depends on what was forced before it).
        for (int w = 0; w < 3; w++) {
          switch ((k + w) % 3) {
            case 0 -> {
              files.reset();
              long c0 = mx.getCurrentThreadCpuTime();
              long t0 = System.nanoTime();
              store.write(s);
              storeNanos = System.nanoTime() - t0;
              cpu[k] = mx.getCurrentThreadCpuTime() - c0;
              forces = files.forces;
              forceNanos[k] = files.forceNanos;
              s.committed();
              bytes = Files.size(segment) - before;
            }
            case 1 -> {
              long c0 = mx.getCurrentThreadCpuTime();
              rawNanos = raw(fresh, false, bytesOr(bytes, lastBytes, s), chunk);
              rawCpu = mx.getCurrentThreadCpuTime() - c0;
              Files.delete(fresh);
            }
            default -> {
              long c0 = mx.getCurrentThreadCpuTime();
              appendNanos = raw(append, true, bytesOr(bytes, lastBytes, s), chunk);
              appendCpu = mx.getCurrentThreadCpuTime() - c0;
            }
          }
        }
        lastBytes = bytes;
        toRaw[k] = (double) storeNanos / rawNanos;
        toAppend[k] = (double) storeNanos / appendNanos;
        cpuToAppend[k] = (double) cpu[k] / appendCpu;
        System.out.printf(
            "round %d: %d bytes; store %.0f ms (cpu %.0f ms, %d forces taking %.0f ms), raw %.0f"
                + " ms (cpu %.0f), raw append %.0f ms (cpu %.0f); store/raw %.2f, store/append"
                + " %.2f%n",
            k,
            bytes,
            storeNanos / 1e6,
            cpu[k] / 1e6,
            forces,
            forceNanos[k] / 1e6,
            rawNanos / 1e6,
            rawCpu / 1e6,
            appendNanos / 1e6,
            appendCpu / 1e6,
            toRaw[k],
            toAppend[k]);
      }
      Arrays.sort(toRaw);
      Arrays.sort(toAppend);
      Arrays.sort(cpu);
      Arrays.sort(forceNanos);
      Arrays.sort(cpuToAppend);
      System.out.printf(
          "write: median store/raw %.2f, store/raw append %.2f; store cpu median %.0f ms (%.2f"
              + " times the append's), time in forces median %.0f ms%n",
          toRaw[rounds / 2],
          toAppend[rounds / 2],
          cpu[rounds / 2] / 1e6,
          cpuToAppend[rounds / 2],
          forceNanos[rounds / 2] / 1e6);
    } finally {
      CheckpointBenchmark.deleteTree(dir);
    }
  }

  /**
   * The bytes the raw writers write: the store's generation once it has been written this round;
   * before that, the last round's (they differ by well under 1%), or an estimate from the pages.
   */
  private static long bytesOr(long written, long last, Snapshot s) {
    if (written > 0) {
      return written;
    }
    return last > 0 ? last : (long) s.pageCount() * 4110;
  }

  /** The store's files on disk, counting forces and the time spent in them. */
  private static final class Counting implements StoreFiles {
    private final StoreFiles disk;
    int forces;
    long forceNanos;

    Counting(StoreFiles disk) {
      this.disk = disk;
    }

    void reset() {
      forces = 0;
      forceNanos = 0;
    }

    @Override
    public String where() {
      return disk.where();
    }

    @Override
    public boolean exists(String name) throws IOException {
      return disk.exists(name);
    }

    @Override
    public StoreFile open(String name) throws IOException {
      StoreFile f = disk.open(name);
      return new StoreFile() {
        @Override
        public long size() throws IOException {
          return f.size();
        }

        @Override
        public void write(ByteBuffer b, long at) throws IOException {
          f.write(b, at);
        }

        @Override
        public int read(ByteBuffer b, long at) throws IOException {
          return f.read(b, at);
        }

        @Override
        public void force() throws IOException {
          long t0 = System.nanoTime();
          f.force();
          forceNanos += System.nanoTime() - t0;
          forces++;
        }

        @Override
        public void truncate(long size) throws IOException {
          f.truncate(size);
        }

        @Override
        public void close() throws IOException {
          f.close();
        }
      };
    }

    @Override
    public void delete(String name) throws IOException {
      disk.delete(name);
    }

    @Override
    public void syncDirectories() throws IOException {
      disk.syncDirectories();
    }
  }

  /** Writes {@code bytes} to {@code file} (at its end if {@code append}) and forces it. */
  private static long raw(Path file, boolean append, long bytes, ByteBuffer chunk)
      throws IOException {
    long t0 = System.nanoTime();
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      long at = append ? ch.size() : 0;
      long end = at + bytes;
      while (at < end) {
        chunk.clear().limit((int) Math.min(end - at, chunk.capacity()));
        at += ch.write(chunk, at);
      }
      ch.force(true);
    }
    return System.nanoTime() - t0;
  }
}
