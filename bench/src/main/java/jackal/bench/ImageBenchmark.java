package jackal.bench;

import jackal.image.ImageException;
import jackal.image.file.ImageBuild;
import jackal.image.file.ImageFile;
import jackal.image.file.ImageFileException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
 * System image files of {@link #OBJECTS} objects (labels {@code image.build.10k} and {@code
 * image.boot.10k}; issue 11 asks for both).
 *
 * <ul>
 *   <li>{@link #build}: what {@code jackal image build} does: runs an image source that makes 2 000
 *       objects of each type (pages mapped by GPTs, capability pages holding entry capabilities,
 *       endpoints whose recipients are processes, processes holding the capabilities) on a fresh
 *       kernel, exports the kernel's objects and encodes the file (about 16 MB, mostly pages).
 *   <li>{@link #boot}: what {@code jackal run FILE} does before the first program runs: decodes and
 *       checks the file (checksum, sections, records), makes a kernel, checks the objects against
 *       the kernel's invariants and loads them, boots the CPUs, waits for quiescence and stops.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ImageBenchmark extends LauncherFork {
  public static final int OBJECTS = 10_000;

  /** The source, written to a temporary directory, and its built file's bytes. */
  @State(Scope.Benchmark)
  public static class Source {
    Path dir;
    Path mki;
    byte[] file;
    final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    @Setup(Level.Trial)
    public void write() throws IOException, ImageException {
      dir = Files.createTempDirectory("jackal-image-bench");
      mki = dir.resolve("tenk.mki");
      Files.writeString(mki, source(OBJECTS / 5));
      file = ImageBuild.build(mki, List.of(), config(quiet), quiet);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
      Files.deleteIfExists(mki);
      Files.deleteIfExists(dir);
    }
  }

  static KernelConfig config(PrintStream quiet) {
    return KernelConfig.defaults().withCpus(2).withCpusPerNode(2).withConsole(quiet);
  }

  /** An image of {@code n} objects of each of the five types, each wired to the others. */
  static String source(int n) {
    return """
        module tenk {
          def i = 0;
          while (i < %d) {
            def pg = new Page(PrimeBank);
            def g = new GPT(PrimeBank);
            g.l2v = 12; g.cap[0] = readonly(pg);
            def p = new Process(PrimeBank);
            def ep = new Endpoint(PrimeBank);
            ep.recipient = p; ep.endpointID = i;
            def cp = new CapPage(PrimeBank);
            cp[i %% 256] = enter(ep, i);
            p.capReg[1] = enter(ep, 0); p.capReg[2] = cp; p.capReg[3] = KernLog();
            i = i + 1;
          }
        }
        """
        .formatted(n);
  }

  @Benchmark
  public byte[] build(Source s) throws IOException, ImageException {
    return ImageBuild.build(s.mki, List.of(), config(s.quiet), s.quiet);
  }

  @Benchmark
  public boolean boot(Source s) throws ImageFileException, InterruptedException {
    ImageFile.Parsed parsed = ImageFile.decode(s.file, "tenk.jkimg");
    try (Kernel k = Kernel.create(config(s.quiet))) {
      for (ObjectRef p : parsed.loadInto(k)) {
        k.start(p);
      }
      try (Kernel running = k.boot()) {
        return running.awaitQuiescent(Duration.ofSeconds(10));
      }
    }
  }
}
