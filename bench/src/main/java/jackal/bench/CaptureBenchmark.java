package jackal.bench;

import jackal.kernel.boot.ConfinedCode;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.load.capture.CaptureAccessors;
import jackal.kernel.load.capture.CaptureClasses;
import jackal.kernel.load.capture.CaptureTransform;
import jackal.kernel.load.capture.NotCapturable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code capture.compute.*}: what the capture transform costs compute-bound code when no capture is
 * asked for. The same program code ({@code jackal.bench.programs.Compute}, the kernels of {@code
 * confined.compute}) loaded twice in one fork: rewritten with preemption checks (as the kernel
 * loads programs today), and rewritten then made capturable at those checks; each {@code .ratio}
 * divides the capturable time by the rewritten one. The compute figures are sampled (each call
 * timed) and {@code jackal bench} prints their medians: each variant runs in its own fork, and on a
 * shared host the averages of two forks divide one stretch of the host's load by another, while a
 * call shorter than a scheduling quantum is mostly not preempted. {@link CaptureProbe} measures the
 * same pairs interleaved in one JVM.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CaptureBenchmark extends LauncherFork {

  /** The three kernels, rewritten, and rewritten and capturable. */
  @State(Scope.Benchmark)
  public static class Programs {
    MethodHandle sha256Confined;
    MethodHandle sha256Capturable;
    MethodHandle dotConfined;
    MethodHandle dotCapturable;
    MethodHandle sortConfined;
    MethodHandle sortCapturable;
    byte[] message = new byte[16 * 1024];
    int[] left = new int[64 * 1024];
    int[] right = new int[64 * 1024];
    int[] unsorted = new int[16 * 1024];
    int[] scratch = new int[16 * 1024];

    @Setup(Level.Trial)
    public void load() throws ReflectiveOperationException, NotCapturable {
      Class<?> confined = new Loader(false).load();
      Class<?> capturable = new Loader(true).load();
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      MethodType sha = MethodType.methodType(int.class, byte[].class);
      MethodType dot = MethodType.methodType(int.class, int[].class, int[].class);
      MethodType sort = MethodType.methodType(void.class, int[].class);
      sha256Confined = l.findStatic(confined, "sha256", sha);
      sha256Capturable = l.findStatic(capturable, "sha256", sha);
      dotConfined = l.findStatic(confined, "dot", dot);
      dotCapturable = l.findStatic(capturable, "dot", dot);
      sortConfined = l.findStatic(confined, "sort", sort);
      sortCapturable = l.findStatic(capturable, "sort", sort);
      SplittableRandom r = new SplittableRandom(42);
      for (int i = 0; i < message.length; i++) {
        message[i] = (byte) r.nextInt();
      }
      for (int i = 0; i < left.length; i++) {
        left[i] = r.nextInt(1000);
        right[i] = r.nextInt(1000);
      }
      for (int i = 0; i < unsorted.length; i++) {
        unsorted[i] = r.nextInt();
      }
    }
  }

  /** Defines Compute rewritten (and made capturable, or not) with its own poll class. */
  static final class Loader extends ClassLoader {
    private static final String COMPUTE = ProgramLoader.PACKAGE + "Compute";
    private final byte[] compute;

    Loader(boolean capturable) throws NotCapturable {
      super(capturable ? "capturable" : "confined", Loader.class.getClassLoader());
      byte[] b = ConfinedCode.rewrite(original());
      if (capturable) {
        // As ProgramLoader does: frames capturable, then objects and statics (accessors).
        b =
            CaptureAccessors.transform(
                    CaptureTransform.transform(
                            Map.of(COMPUTE, b),
                            CaptureTransform.CapturePoints.kernel(),
                            ClassHierarchyResolver.defaultResolver())
                        .classes(),
                    ClassHierarchyResolver.defaultResolver())
                .classes()
                .get(COMPUTE);
      }
      this.compute = b;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          byte[] b;
          Class<?> shared = CaptureClasses.find(name); // jackal.confined.Capture, one per JVM
          if (shared != null) {
            return shared;
          }
          if (name.equals(ConfinedCode.POLL_CLASS)) {
            b = ConfinedCode.pollClass();
          } else if (name.equals(COMPUTE)) {
            b = compute;
          } else {
            return super.loadClass(name, resolve);
          }
          c = defineClass(name, b, 0, b.length);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    Class<?> load() throws ClassNotFoundException {
      return Class.forName(COMPUTE, true, this);
    }

    private static byte[] original() {
      try (InputStream in =
          Loader.class.getClassLoader().getResourceAsStream(COMPUTE.replace('.', '/') + ".class")) {
        if (in == null) {
          throw new IllegalStateException("no class file for " + COMPUTE);
        }
        return in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** capture.compute.sha256.confined: SHA-256 of 16 KiB, rewritten with preemption checks. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sha256Confined(Programs p) throws Throwable {
    return (int) p.sha256Confined.invokeExact(p.message);
  }

  /** capture.compute.sha256.capturable: the same, also made capturable at its checks. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sha256Capturable(Programs p) throws Throwable {
    return (int) p.sha256Capturable.invokeExact(p.message);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int dotConfined(Programs p) throws Throwable {
    return (int) p.dotConfined.invokeExact(p.left, p.right);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int dotCapturable(Programs p) throws Throwable {
    return (int) p.dotCapturable.invokeExact(p.left, p.right);
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sortConfined(Programs p) throws Throwable {
    System.arraycopy(p.unsorted, 0, p.scratch, 0, p.scratch.length);
    p.sortConfined.invokeExact(p.scratch);
    return p.scratch[p.scratch.length / 2];
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sortCapturable(Programs p) throws Throwable {
    System.arraycopy(p.unsorted, 0, p.scratch, 0, p.scratch.length);
    p.sortCapturable.invokeExact(p.scratch);
    return p.scratch[p.scratch.length / 2];
  }

  // ------------------------------------------------------------- IPC with a loaded program

  /** {@link BankBenchmark}'s rig on a kernel that does not make programs capturable. */
  @State(Scope.Benchmark)
  public static class PlainBank extends BankBenchmark.Rig {
    @Override
    KernelConfig config() {
      return super.config().withCapture(false);
    }
  }

  /** The same rig on a kernel that makes every loaded program (the bank here) capturable. */
  @State(Scope.Benchmark)
  public static class CapturableBank extends BankBenchmark.Rig {
    @Override
    KernelConfig config() {
      return super.config().withCapture(true);
    }
  }

  /** Not timed: a fresh child bank before each batch, as in {@code bank.alloc}. */
  @State(Scope.Thread)
  public static class FreshPlainBank {
    @Setup(Level.Invocation)
    public void fresh(PlainBank r) {
      r.run(BankBenchmark.Rig.Kind.FRESH_BANK, 0);
    }
  }

  /** Not timed: a fresh child bank before each batch, as in {@code bank.alloc}. */
  @State(Scope.Thread)
  public static class FreshCapturableBank {
    @Setup(Level.Invocation)
    public void fresh(CapturableBank r) {
      r.run(BankBenchmark.Rig.Kind.FRESH_BANK, 0);
    }
  }

  /**
   * capture.ipc.bank.confined: one {@code SpaceBank.alloc} call to the bank, a program loaded from
   * pages with its preemption checks, answered with a page capability; per call.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(BankBenchmark.BATCH)
  public void bankAllocConfined(PlainBank r, FreshPlainBank fresh) {
    r.run(BankBenchmark.Rig.Kind.ALLOC, BankBenchmark.BATCH);
  }

  /** capture.ipc.bank.capturable: the same call, the bank loaded capturable. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(BankBenchmark.BATCH)
  public void bankAllocCapturable(CapturableBank r, FreshCapturableBank fresh) {
    r.run(BankBenchmark.Rig.Kind.ALLOC, BankBenchmark.BATCH);
  }

  /**
   * capture.ipc.roundtrip.confined: the same-CPU echo round trip of {@code ipc.roundtrip.same-cpu}
   * (two trusted processes) on the kernel with capture off.
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(BankBenchmark.BATCH)
  public void roundtripConfined(PlainBank r) {
    r.run(BankBenchmark.Rig.Kind.ECHO, BankBenchmark.BATCH);
  }

  /** capture.ipc.roundtrip.capturable: the same round trip on the kernel with capture on. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(BankBenchmark.BATCH)
  public void roundtripCapturable(CapturableBank r) {
    r.run(BankBenchmark.Rig.Kind.ECHO, BankBenchmark.BATCH);
  }
}
