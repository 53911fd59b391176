package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Confined programs: what the preemption checks cost compute-bound code, and what a program that
 * computes forever costs an honest call on its CPU.
 *
 * <p>{@code confined.compute.*}: the same program code ({@code jackal.bench.programs.Compute})
 * loaded twice, plainly and rewritten by the kernel's ProgramRewriter, run in the same fork; each
 * {@code .ratio} divides the rewritten time by the plain one. {@code confined.preempt.latency}: a
 * one-CPU kernel runs a rewritten {@code while (true)} spinner; each operation starts an honest
 * process on that CPU that calls a server once, and waits for the reply; the figure is the 99th
 * percentile of that time (JMH's sample mode), with the default 500 us slice.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConfinedBenchmark extends LauncherFork {

  /** The three kernels, plain and rewritten. */
  @State(Scope.Benchmark)
  public static class Programs {
    MethodHandle sha256Plain;
    MethodHandle sha256Confined;
    MethodHandle dotPlain;
    MethodHandle dotConfined;
    MethodHandle sortPlain;
    MethodHandle sortConfined;
    byte[] message = new byte[16 * 1024];
    int[] left = new int[64 * 1024];
    int[] right = new int[64 * 1024];
    int[] unsorted = new int[16 * 1024];
    int[] scratch = new int[16 * 1024];

    @Setup(Level.Trial)
    public void load() throws ReflectiveOperationException {
      Class<?> plain = new ProgramLoader(false).load("Compute");
      Class<?> confined = new ProgramLoader(true).load("Compute");
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      MethodType sha = MethodType.methodType(int.class, byte[].class);
      MethodType dot = MethodType.methodType(int.class, int[].class, int[].class);
      MethodType sort = MethodType.methodType(void.class, int[].class);
      sha256Plain = l.findStatic(plain, "sha256", sha);
      sha256Confined = l.findStatic(confined, "sha256", sha);
      dotPlain = l.findStatic(plain, "dot", dot);
      dotConfined = l.findStatic(confined, "dot", dot);
      sortPlain = l.findStatic(plain, "sort", sort);
      sortConfined = l.findStatic(confined, "sort", sort);
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

  /** confined.compute.sha256.plain: SHA-256 of 16 KiB, loaded plainly. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sha256Plain(Programs p) throws Throwable {
    return (int) p.sha256Plain.invokeExact(p.message);
  }

  /** confined.compute.sha256.confined: the same, rewritten with preemption checks. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sha256Confined(Programs p) throws Throwable {
    return (int) p.sha256Confined.invokeExact(p.message);
  }

  /** confined.compute.dot.plain: dot product of two 64 Ki-int arrays (vectorized by C2). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int dotPlain(Programs p) throws Throwable {
    return (int) p.dotPlain.invokeExact(p.left, p.right);
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int dotConfined(Programs p) throws Throwable {
    return (int) p.dotConfined.invokeExact(p.left, p.right);
  }

  /** confined.compute.sort.plain: quicksort of 16 Ki random ints (copied in first). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sortPlain(Programs p) throws Throwable {
    System.arraycopy(p.unsorted, 0, p.scratch, 0, p.scratch.length);
    p.sortPlain.invokeExact(p.scratch);
    return p.scratch[p.scratch.length / 2];
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public int sortConfined(Programs p) throws Throwable {
    System.arraycopy(p.unsorted, 0, p.scratch, 0, p.scratch.length);
    p.sortConfined.invokeExact(p.scratch);
    return p.scratch[p.scratch.length / 2];
  }

  // ---------------------------------------------------------------- preemption latency

  /** A one-CPU kernel with a rewritten spinner running, and an honest server. */
  @State(Scope.Benchmark)
  public static class Spinning {
    /** Whether the spinner runs (false: the same calls on an otherwise idle CPU). */
    @Param({"true"})
    public boolean spinner;

    Kernel k;
    ObjectRef endpoint;
    volatile boolean replied;
    Thread waiter;

    @Setup(Level.Trial)
    public void boot() throws ReflectiveOperationException {
      k =
          Kernel.create(
              KernelConfig.defaults()
                  .withCpus(1)
                  .withConsole(new PrintStream(OutputStream.nullOutputStream())));
      ObjectRef server =
          k.newProcess(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                for (; ; ) {
                  ipc.replyAndReceive(0, -1);
                }
              });
      k.setCapReg(server, CapReg.REPLYEPT, k.cap(reply(server)));
      endpoint = k.newEndpoint();
      k.setRecipient(endpoint, server);
      k.start(server);
      if (spinner) {
        ProgramLoader loader = new ProgramLoader(true);
        MethodHandle spin =
            MethodHandles.publicLookup()
                .findStatic(loader.load("Compute"), "spin", MethodType.methodType(void.class));
        ObjectRef p =
            k.newProcess(
                "spinner",
                sys -> {
                  try {
                    spin.invokeExact();
                  } catch (RuntimeException | Error e) {
                    throw e;
                  } catch (Throwable t) {
                    throw new IllegalStateException(t);
                  }
                });
        k.bindPreemption(p, loader.pollClass());
        k.start(p);
      }
      k = k.boot();
    }

    private ObjectRef reply(ObjectRef process) {
      ObjectRef ep = k.newEndpoint();
      k.setRecipient(ep, process);
      k.setPayloadMatch(ep);
      return ep;
    }

    /** Starts an honest process that calls the server once; returns when it has its reply. */
    void honestCall() {
      replied = false;
      waiter = Thread.currentThread();
      ObjectRef c =
          k.newProcess(
              "honest",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 1;
                ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 1, 0, -1);
                replied = true;
                LockSupport.unpark(waiter);
              });
      k.setCapReg(c, CapReg.REPLYEPT, k.cap(reply(c)));
      k.setCapReg(c, CapReg.APP0, k.entry(endpoint, 0));
      k.start(c);
      while (!replied) {
        LockSupport.parkNanos(this, 100_000);
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      k.close();
    }
  }

  /**
   * confined.preempt.latency: one honest call on a CPU where a program spins without a system call
   * (sample mode: BenchCommand prints the 99th percentile).
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void preemptLatency(Spinning s) {
    s.honestCall();
  }
}
