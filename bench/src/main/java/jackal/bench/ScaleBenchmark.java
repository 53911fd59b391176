package jackal.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Timeout;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scale (issue 10): {@code scale.processes} fills a kernel with {@link #PROCESSES} real processes
 * waiting in receive; {@code scale.endpoints} does the same and then adds {@link #ENDPOINTS}
 * endpoints, the goal's whole system (10^6 waiting processes and 10^7 endpoints in a 6 GiB heap).
 * One shot each, in a fork of its own with a fixed 6 GiB heap on transparent huge pages ({@link
 * Jvm#SCALE_HEAP_MIN}, {@link Jvm#HUGE_PAGES}): the primary score is the whole run in seconds; the
 * figures are JMH secondary results ({@code @AuxCounters}, printed by {@code ./jackal bench scale}
 * under their own labels):
 *
 * <ul>
 *   <li>bytes per process (with its endpoint) or per endpoint: heap in use after full collections,
 *       after the objects were made, less the same before, divided by the count; a process's
 *       metaspace (its class loader's classes, outside the heap) likewise;
 *   <li>creation rate: processes made, given their program space and endpoint and started (queued
 *       to run) through the boot API, per second of wall-clock time and per second of the creating
 *       thread's CPU time (the first is the host's as much as the kernel's: the CPUs start running
 *       the servers while the rest are started); the creating thread's CPU nanoseconds and bytes
 *       allocated per process (its log has them per boot call); the same processes per second of
 *       the creation's wall-clock time plus the collectors' time from its end until all wait (a
 *       young generation that holds the whole burst copies it after: that copy counted in); and the
 *       rate at which the servers then reach their first receive (each loads its program from its
 *       pages and runs to the trap);
 *   <li>call latency at that scale: a client calls {@code SAMPLE} servers picked at random, each
 *       twice; the first call finds the server's continuation cold (frozen since it started to
 *       wait), the second warm. p50 and p99 in ns (System.nanoTime around each call).
 * </ul>
 *
 * <p>The JMH log (kept with {@code --log}) also has the class histogram per process and per
 * endpoint: where the bytes go. Kept out of {@code ./jackal test} and out of a plain {@code
 * ./jackal bench} (it runs only when its group is named): a run takes minutes to tens of minutes
 * (JMH's timeout is raised to an hour) and gigabytes.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Timeout(time = 60, timeUnit = TimeUnit.MINUTES)
@Fork(
    value = 1,
    jvmArgsAppend = {
      Jvm.EXPORTS,
      Jvm.NATIVE,
      Jvm.SCALE_HEAP_MIN,
      Jvm.SCALE_HEAP_MAX,
      Jvm.GC,
      Jvm.CARD_MARK,
      Jvm.CARD_SIZE,
      Jvm.HUGE_PAGES
    })
public class ScaleBenchmark {
  /** Processes per run (the goal: 10^6). */
  static final String PROCESSES = "1000000";

  /** Endpoints added by {@code scale.endpoints} (the goal: 10^7). */
  static final String ENDPOINTS = "10000000";

  /** Servers and endpoints the warm-up makes, and OIDs to spare (kickers, the rig's own). */
  static final int WARM_SERVERS = 20_000;

  static final int WARM_ENDPOINTS = 200_000;
  static final long WARM_OIDS = WARM_SERVERS + WARM_ENDPOINTS + 100_000;

  /** Servers the probe calls. */
  static final int SAMPLE = 1024;

  /** The kernel and the run's sizes. */
  @State(Scope.Benchmark)
  public static class Scale {
    @Param(PROCESSES)
    public int processes;

    @Param(ENDPOINTS)
    public long endpoints;

    /**
     * {@code trap}: the server is one class that traps directly; {@code ipc}: it uses the runtime's
     * Ipc, whose classes each process defines again (some 18 KB of metaspace a process: 10^6 of
     * them do not fit this machine until an image's stateless classes are shared).
     */
    @Param("trap")
    public String program;

    @Param("2")
    public int cpus;

    ScaleRig rig;
    long heapBefore;
    long metaBefore;

    @Setup(Level.Iteration)
    public void boot() throws Exception {
      long seed = System.nanoTime();
      System.out.println("scale: seed " + seed);
      rig = new ScaleRig(cpus, processes + endpoints + WARM_OIDS, program, seed);
      warmUp();
      heapBefore = ScaleRig.heapAfterGc();
      metaBefore = ScaleRig.metaspace();
    }

    /**
     * Runs a few servers first, so that the program's image is verified and recognised and the code
     * on the creation path is compiled before the measured run (a kernel that has run a while);
     * those processes stay and are not counted.
     */
    private void warmUp() throws InterruptedException {
      ScaleRig.Made made = rig.createServers(WARM_SERVERS, 16, true);
      System.out.printf(
          "scale: warm-up, %d servers made step by step: the creating thread's CPU time and"
              + " allocation per process, by boot call%n%s",
          WARM_SERVERS, made.perStep(WARM_SERVERS));
      rig.awaitWaiting();
      rig.createEndpoints(WARM_ENDPOINTS);
    }

    @TearDown(Level.Iteration)
    public void shutdown() {
      System.out.println("scale: " + rig.statistics());
      rig.close();
    }
  }

  /** Figures of {@code scale.processes}. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class ProcessFigures {
    public double bytesPerProcess;
    public double metaspacePerProcess;
    public double creationsPerSecond;
    public double creationCpuNanos;
    public double creationsPerCpuSecond;
    public double creationBytes;
    public double creationsPerSecondWithGc;
    public double waitingPerSecond;
    public double heapMiB;
    public double firstCallP50;
    public double firstCallP99;
    public double secondCallP50;
  }

  /** Figures of {@code scale.endpoints}. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class EndpointFigures {
    public double bytesPerProcess;
    public double metaspacePerProcess;
    public double creationsPerSecond;
    public double creationCpuNanos;
    public double creationsPerCpuSecond;
    public double creationBytes;
    public double creationsPerSecondWithGc;
    public double bytesPerEndpoint;
    public double endpointsPerSecond;
    public double heapMiB;
    public double firstCallP50;
    public double firstCallP99;
    public double secondCallP50;
  }

  /** The processes' part of both benchmarks; fills what the two figure sets share. */
  private static void servers(Scale s, double[] out) throws InterruptedException {
    int n = s.processes;
    Map<String, long[]> before = ScaleRig.classHistogram();
    ScaleRig.Made made = s.rig.createServers(n, SAMPLE, false);
    long gc0 = ScaleRig.gcMillis();
    long waiting = s.rig.awaitWaiting();
    long gcAfter = ScaleRig.gcMillis() - gc0;
    long heap = ScaleRig.heapAfterGc();
    long meta = ScaleRig.metaspace();
    System.out.println(
        "scale: what one waiting process (with its endpoint) added to the heap\n"
            + ScaleRig.perItem(before, ScaleRig.classHistogram(), n, 30));
    out[0] = (double) (heap - s.heapBefore) / n;
    out[1] = (double) (meta - s.metaBefore) / n;
    out[2] = n * 1e9 / (made.makeNanos() + made.startNanos());
    out[3] = n * 1e9 / (made.startNanos() + waiting);
    out[4] = heap;
    out[5] = (double) made.cpu() / n;
    out[6] = n * 1e9 / made.cpu();
    out[7] = (double) made.bytes() / n;
    out[8] = n * 1e9 / (made.makeNanos() + made.startNanos() + gcAfter * 1e6);
    System.out.printf(
        "scale: %d processes made in %.3f s, started in %.3f s, all waiting %.3f s later%n",
        n, made.makeNanos() / 1e9, made.startNanos() / 1e9, waiting / 1e9);
    System.out.printf(
        "scale: the creating thread's CPU time and allocation per process%n%s", made.perStep(n));
    System.out.printf(
        "scale: the collectors' time while the processes were made and started: %d ms; after,"
            + " until all waited: %d ms%n",
        made.gcMillis(), gcAfter);
  }

  /** scale.processes: {@link #PROCESSES} processes waiting in receive. */
  @Benchmark
  public void processes(Scale s, ProcessFigures f) throws InterruptedException {
    double[] p = new double[9];
    servers(s, p);
    f.bytesPerProcess = p[0];
    f.metaspacePerProcess = p[1];
    f.creationsPerSecond = p[2];
    f.creationCpuNanos = p[5];
    f.creationsPerCpuSecond = p[6];
    f.creationBytes = p[7];
    f.creationsPerSecondWithGc = p[8];
    f.waitingPerSecond = p[3];
    f.heapMiB = p[4] / (1024.0 * 1024);
    s.rig.probe();
    f.firstCallP50 = s.rig.firstCall.getValueAtPercentile(50);
    f.firstCallP99 = s.rig.firstCall.getValueAtPercentile(99);
    f.secondCallP50 = s.rig.secondCall.getValueAtPercentile(50);
  }

  /** scale.endpoints: the same processes, then {@link #ENDPOINTS} endpoints. */
  @Benchmark
  public void endpoints(Scale s, EndpointFigures f) throws InterruptedException {
    double[] p = new double[9];
    servers(s, p);
    f.bytesPerProcess = p[0];
    f.metaspacePerProcess = p[1];
    f.creationsPerSecond = p[2];
    f.creationCpuNanos = p[5];
    f.creationsPerCpuSecond = p[6];
    f.creationBytes = p[7];
    f.creationsPerSecondWithGc = p[8];
    long m = s.endpoints;
    Map<String, long[]> before = ScaleRig.classHistogram();
    long heapProcesses = (long) p[4];
    long made = s.rig.createEndpoints(m);
    long heap = ScaleRig.heapAfterGc();
    System.out.println(
        "scale: what one endpoint added to the heap\n"
            + ScaleRig.perItem(before, ScaleRig.classHistogram(), m, 12));
    f.bytesPerEndpoint = (double) (heap - heapProcesses) / m;
    f.endpointsPerSecond = m * 1e9 / made;
    f.heapMiB = heap / (1024.0 * 1024);
    s.rig.probe();
    f.firstCallP50 = s.rig.firstCall.getValueAtPercentile(50);
    f.firstCallP99 = s.rig.firstCall.getValueAtPercentile(99);
    f.secondCallP50 = s.rig.secondCall.getValueAtPercentile(50);
  }
}
