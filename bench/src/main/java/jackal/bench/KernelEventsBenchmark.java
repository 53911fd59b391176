package jackal.bench;

import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the kernel's JFR events cost on {@code ipc.roundtrip.same-cpu} ({@link
 * IpcBenchmark#sameCpu}, the same rig and batch): compiled out ({@code -Djackal.events=off}, the
 * JIT folds every hook), compiled in with no recording (the default), and with a recording of the
 * kernel events running. One fork each, in one run, so the three are measured on the same machine
 * state.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KernelEventsBenchmark {
  /** One CPU, as {@link IpcBenchmark.OneCpu}. */
  @State(Scope.Benchmark)
  public static class OneCpu {
    KernelRig rig;

    @Setup(Level.Trial)
    public void boot() {
      rig = new KernelRig(1, 1L, 1L);
    }

    @Setup(Level.Iteration)
    public void tenure() {
      KernelRig.tenure();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      rig.close();
    }
  }

  /** As {@link OneCpu}, with a recording of every kernel event running (kept in memory). */
  @State(Scope.Benchmark)
  public static class Recorded {
    KernelRig rig;
    Recording recording;

    @Setup(Level.Trial)
    public void boot() {
      recording = new Recording();
      for (String e :
          new String[] {
            "jackal.SystemCall",
            "jackal.Dispatch",
            "jackal.Steal",
            "jackal.FaultDelivery",
            "jackal.Log"
          }) {
        recording.enable(e);
      }
      recording.setToDisk(false);
      recording.setMaxSize(64L << 20);
      recording.start();
      rig = new KernelRig(1, 1L, 1L);
    }

    @Setup(Level.Iteration)
    public void tenure() {
      KernelRig.tenure();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      rig.close();
      recording.close();
    }
  }

  @Benchmark
  @OperationsPerInvocation(IpcBenchmark.BATCH)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        Jvm.EXPORTS,
        Jvm.NATIVE,
        Jvm.HEAP_MIN,
        Jvm.HEAP_MAX,
        Jvm.GC,
        Jvm.CARD_MARK,
        Jvm.CARD_SIZE,
        "-Djackal.events=off"
      })
  public long sameCpuEventsCompiledOut(OneCpu s) {
    return s.rig.run(KernelRig.Kind.ECHO, IpcBenchmark.BATCH);
  }

  @Benchmark
  @OperationsPerInvocation(IpcBenchmark.BATCH)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        Jvm.EXPORTS,
        Jvm.NATIVE,
        Jvm.HEAP_MIN,
        Jvm.HEAP_MAX,
        Jvm.GC,
        Jvm.CARD_MARK,
        Jvm.CARD_SIZE
      })
  public long sameCpuEventsOff(OneCpu s) {
    return s.rig.run(KernelRig.Kind.ECHO, IpcBenchmark.BATCH);
  }

  @Benchmark
  @OperationsPerInvocation(IpcBenchmark.BATCH)
  @Fork(
      value = 1,
      jvmArgsAppend = {
        Jvm.EXPORTS,
        Jvm.NATIVE,
        Jvm.HEAP_MIN,
        Jvm.HEAP_MAX,
        Jvm.GC,
        Jvm.CARD_MARK,
        Jvm.CARD_SIZE
      })
  public long sameCpuRecording(Recorded s) {
    return s.rig.run(KernelRig.Kind.ECHO, IpcBenchmark.BATCH);
  }
}
