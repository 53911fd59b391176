package jackal.bench;

import jackal.image.store.Store;
import jackal.image.store.StoreException;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CheckpointIncompleteException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.Snapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Checkpoints (issue 12). A running kernel (2 CPUs, idle) holding 1 GiB of pages (262 144), 10% of
 * them (26 214, chosen at random, seed fixed) written before each cut.
 *
 * <ul>
 *   <li>{@link #pause} ({@code checkpoint.pause}): the cut: every CPU held at its loop's top, every
 *       changed object taken (pages marked copy-on-write, small objects copied), the CPUs released.
 *   <li>{@link #write} ({@code checkpoint.write}): the store writing that snapshot (about 107 MB)
 *       as one generation and committing it (forced, then its header copy forced), into a fresh
 *       store; {@link #rawWrite} ({@code checkpoint.write.raw}) writes as many bytes sequentially
 *       to a file of the same disk and forces it. MB/s is bytes over time: the ratio of the two is
 *       the figure.
 *   <li>{@link #restart} ({@code restart.time}): a store of 10^5 objects (20 000 of each type)
 *       opened, its log read and checked, the system loaded into a fresh kernel and booted.
 * </ul>
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
@Fork(
    value = 1,
    jvmArgsAppend = {
      Jvm.EXPORTS,
      Jvm.NATIVE,
      "-Xms6g",
      "-Xmx6g",
      Jvm.GC,
      Jvm.CARD_MARK,
      Jvm.CARD_SIZE
    })
public class CheckpointBenchmark {
  public static final int PAGES = 1 << 18;
  public static final int DIRTY = PAGES / 10;
  public static final int OBJECTS = 100_000;

  static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  static KernelConfig config() {
    return KernelConfig.defaults()
        .withCpus(2)
        .withCpusPerNode(2)
        .withOidsPerType(1L << 20)
        .withConsole(QUIET);
  }

  static void deleteTree(Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** The running kernel with its 1 GiB of pages; a cut's worth of them written before each. */
  @State(Scope.Benchmark)
  public static class Gib {
    Kernel builder;
    Kernel running;
    final List<ObjectRef> pages = new ArrayList<>();
    final java.util.SplittableRandom random = new java.util.SplittableRandom(12);
    Snapshot snapshot;
    Path dir;
    Store store;

    @Setup(Level.Trial)
    public void boot() throws CheckpointIncompleteException {
      builder = Kernel.create(config());
      for (int i = 0; i < PAGES; i++) {
        pages.add(builder.newPage());
      }
      running = builder.boot();
      // A first cut takes every object: from here on cuts take what changed.
      running.cut(true, Duration.ofSeconds(60)).committed();
    }

    /** Writes one long into each of DIRTY random pages. */
    void dirty() {
      byte[] one = {1, 2, 3, 4, 5, 6, 7, 8};
      for (int i = 0; i < DIRTY; i++) {
        running.writePage(pages.get(random.nextInt(PAGES)), 8 * random.nextInt(512), one);
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      running.close();
    }
  }

  @State(Scope.Benchmark)
  public static class Pause extends Gib {
    @Setup(Level.Invocation)
    public void change() {
      dirty();
    }

    @TearDown(Level.Invocation)
    public void finish() {
      if (snapshot != null) {
        snapshot.committed();
        snapshot = null;
      }
    }
  }

  @Benchmark
  public Snapshot pause(Pause s) throws CheckpointIncompleteException {
    s.snapshot = s.running.cut(false, Duration.ofSeconds(60));
    return s.snapshot;
  }

  @State(Scope.Benchmark)
  public static class Write extends Gib {
    /** The store's first generation holds every page (1 GiB); each invocation appends one. */
    @Setup(Level.Trial)
    public void open() throws IOException, StoreException, CheckpointIncompleteException {
      dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "ckpt-bench");
      store = Store.open(dir);
      store.compactAbove(Long.MAX_VALUE);
      running.checkpoint(store, true, Duration.ofSeconds(60));
    }

    @Setup(Level.Invocation)
    public void cut() throws CheckpointIncompleteException {
      dirty();
      snapshot = running.cut(false, Duration.ofSeconds(60));
    }

    @TearDown(Level.Invocation)
    public void finish() {
      snapshot.committed();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      store.close();
      deleteTree(dir);
    }
  }

  /** Writes and commits the snapshot of the changed pages, as a periodic checkpoint does. */
  @Benchmark
  public long write(Write s) throws IOException {
    s.store.write(s.snapshot);
    return s.store.generation();
  }

  @State(Scope.Benchmark)
  public static class Raw {
    Path file;
    final ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);

    /**
     * About the size of the generation {@link #write} writes: the changed pages with their record
     * heads (random picks repeat, so a few hundred fewer pages are actually changed).
     */
    final long bytes = (long) DIRTY * (4096 + 16);

    @Setup(Level.Invocation)
    public void create() throws IOException {
      file = Files.createTempFile("raw-bench", ".bin");
    }

    @TearDown(Level.Invocation)
    public void delete() throws IOException {
      Files.deleteIfExists(file);
    }
  }

  @Benchmark
  public long rawWrite(Raw s) throws IOException {
    try (FileChannel ch = FileChannel.open(s.file, StandardOpenOption.WRITE)) {
      long left = s.bytes;
      long at = 0;
      while (left > 0) {
        s.chunk.clear().limit((int) Math.min(left, s.chunk.capacity()));
        at += ch.write(s.chunk, at);
        left = s.bytes - at;
      }
      ch.force(true);
      return at;
    }
  }

  /** A store of 10^5 objects, written once. */
  @State(Scope.Benchmark)
  public static class Stored {
    Path dir;

    @Setup(Level.Trial)
    public void write() throws Exception {
      dir = Files.createTempDirectory("restart-bench");
      try (Kernel k = Kernel.create(config());
          Store store = Store.open(dir)) {
        int each = OBJECTS / 5;
        List<ObjectRef> eps = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          eps.add(k.newEndpoint());
        }
        for (int i = 0; i < each; i++) {
          ObjectRef page = k.newPage();
          k.writePage(page, 0, new byte[] {(byte) i});
          ObjectRef cp = k.newCapPage();
          k.setCapPageSlot(cp, 0, k.entry(eps.get(i), i));
          ObjectRef gpt = k.newGpt();
          CapRef pc = k.cap(page);
          k.setGptSlot(gpt, 0, pc);
          ObjectRef p = k.newProcess("p" + i);
          k.setCapReg(p, 1, k.cap(cp));
          k.setCapReg(p, 2, k.cap(gpt));
          k.setRecipient(eps.get(i), p);
        }
        k.checkpoint(store, true, Duration.ofSeconds(60));
      }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      deleteTree(dir);
    }
  }

  @Benchmark
  public int restart(Stored s) throws Exception {
    try (Store store = Store.open(s.dir)) {
      Store.Recovered r = store.recover();
      try (Kernel k = Kernel.create(config())) {
        k.resume(r.image(), r.clock(), r.programs());
        try (Kernel running = k.boot()) {
          return r.image().objects().size();
        }
      }
    }
  }
}
