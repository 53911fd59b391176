package jackal.bench;

import jackal.bench.programs.ScaleServer;
import jackal.bench.programs.TrapServer;
import jackal.kernel.api.CapLoc;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * A kernel filled with many real processes waiting in receive, and endpoints, for the {@code
 * scale.*} figures (ScaleBenchmark).
 *
 * <p>Each server is a program loaded from pages the way a user's program is: one program space
 * (read-only: no data pages, so every process can share it) holding {@link ScaleServer} over the
 * runtime library, or {@link TrapServer} alone; each process gets its own endpoint (recipient: the
 * process), is pointed at the space and started, and runs until it waits in its first receive,
 * where it stays with its Java continuation frozen. A trusted client measures calls to servers
 * picked at random: the first call to a server (its continuation has not run since it started to
 * wait) and a second one right after.
 */
final class ScaleRig implements AutoCloseable {
  /** The servers the probe calls, per batch: client registers APP0 .. APP0 + 15. */
  static final int TARGETS = 16;

  private static final long GO_ID = 99;
  private static final int GO_REG = CapReg.APP0;
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

  private Kernel k;
  private final ObjectRef client;
  private final CapRef goEntry;
  private final ProgramSpace space;
  private final SplittableRandom random;

  /** Endpoints of servers kept for the probe (the rest are reachable only through the kernel). */
  private ObjectRef[] sampleEndpoints = new ObjectRef[0];

  private ObjectRef[] sampleServers = new ObjectRef[0];

  private volatile int calls;
  private volatile long completed;
  private volatile String failure;
  private volatile Thread waiter;
  private long started;
  private final long[] firstNanos = new long[TARGETS];
  private final long[] secondNanos = new long[TARGETS];

  final Histogram firstCall = new Histogram(3);
  final Histogram secondCall = new Histogram(3);

  /**
   * Boots a kernel of {@code cpus} CPUs with room for {@code oids} objects of each type, the probe
   * client, and the server program ({@code "ipc"}: {@link ScaleServer}; {@code "trap"}: {@link
   * TrapServer}).
   */
  ScaleRig(int cpus, long oids, String program, long seed) throws ProgramRefusedException {
    random = new SplittableRandom(seed);
    k =
        Kernel.create(
            KernelConfig.defaults()
                .withCpus(cpus)
                .withOidsPerType(oids)
                .withConsole(new PrintStream(OutputStream.nullOutputStream())));
    space =
        switch (program) {
          case "ipc" -> {
            CodeSegment code = k.newCodeSegment(ClassFiles.jar(ClassFiles.of(ScaleServer.class)));
            yield k.newProgramSpace(
                ScaleServer.class.getName(), 0, code, RuntimeLibrary.segment(k));
          }
          case "trap" -> {
            CodeSegment code = k.newCodeSegment(ClassFiles.jar(ClassFiles.of(TrapServer.class)));
            yield k.newProgramSpace(TrapServer.class.getName(), 0, code);
          }
          default -> throw new IllegalArgumentException("program is ipc or trap, not " + program);
        };
    client = k.newProcess("scale-client", this::client);
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, client);
    k.setPayloadMatch(replyEp);
    k.setCapReg(client, CapReg.REPLYEPT, k.cap(replyEp));
    ObjectRef goEp = k.newEndpoint();
    k.setRecipient(goEp, client);
    k.setEndpointId(goEp, GO_ID);
    goEntry = k.entry(goEp, 0);
    k.start(client);
    k = k.boot();
  }

  /** The boot API's calls that make and start a server, in order; see {@link Made}. */
  static final List<String> STEPS =
      List.of("newProcess", "setSpaceAndPC", "newEndpoint", "setRecipient", "start");

  /**
   * What making and starting the servers took: wall-clock nanoseconds of the making (the first four
   * {@link #STEPS}, server by server) and of the starting (a second loop); the creating thread's
   * CPU nanoseconds and bytes allocated (ThreadMXBean: the host's load does not inflate them as it
   * does the wall clock) for the making and for the starting, or, when made {@link #createServers
   * step by step}, for each step; and the collectors' milliseconds meanwhile.
   */
  record Made(long makeNanos, long startNanos, long[] cpuNanos, long[] allocated, long gcMillis) {
    /** The creating thread's CPU nanoseconds for all the steps. */
    long cpu() {
      return java.util.Arrays.stream(cpuNanos).sum();
    }

    /** The bytes the creating thread allocated in all the steps. */
    long bytes() {
      return java.util.Arrays.stream(allocated).sum();
    }

    /** One line per step (or for the making and the starting): CPU nanoseconds and bytes each. */
    String perStep(int n) {
      List<String> names = cpuNanos.length == STEPS.size() ? STEPS : List.of("make", "start");
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < names.size(); i++) {
        sb.append(
            String.format(
                "  %-14s %8.1f ns CPU %8.1f B allocated%n",
                names.get(i), (double) cpuNanos[i] / n, (double) allocated[i] / n));
      }
      return sb.toString();
    }
  }

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /**
   * Creates {@code n} server processes, each with its endpoint (made, given the program space and
   * endpoint), then starts them all; keeps {@code sample} of them (chosen at random) for the probe.
   * The processes are queued to run, not yet waiting: see {@link #awaitWaiting}.
   *
   * <p>{@code stepByStep}: each boot call is made for all {@code n} servers before the next
   * (newProcess for every server, then setSpaceAndPC for every one, ...), so that each step's CPU
   * time and allocation can be read around its loop; every step then meets objects made long
   * before, out of the cache, so the sum is more than a server made in one go costs. Otherwise each
   * server is made whole before the next, as a system would.
   */
  Made createServers(int n, int sample, boolean stepByStep) {
    int[] picks = random.ints(0, n).distinct().limit(Math.min(sample, n)).sorted().toArray();
    ObjectRef[] made = new ObjectRef[n];
    ObjectRef[] eps = new ObjectRef[n];
    CapRef programSpace = space.space();
    long pc = space.pc();
    int laps = stepByStep ? STEPS.size() : 2;
    long[] cpu = new long[laps];
    long[] bytes = new long[laps];
    long gc0 = gcMillis();
    long t0 = System.nanoTime();
    int step = 0;
    long c = THREADS.getCurrentThreadCpuTime();
    long b = THREADS.getCurrentThreadAllocatedBytes();
    if (stepByStep) {
      for (int i = 0; i < n; i++) {
        made[i] = k.newProcess("server");
      }
      c = lap(cpu, bytes, step++, c, b);
      b = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < n; i++) {
        k.setSpaceAndPC(made[i], programSpace, pc);
      }
      c = lap(cpu, bytes, step++, c, b);
      b = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < n; i++) {
        eps[i] = k.newEndpoint();
      }
      c = lap(cpu, bytes, step++, c, b);
      b = THREADS.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < n; i++) {
        k.setRecipient(eps[i], made[i]);
      }
    } else {
      for (int i = 0; i < n; i++) {
        ObjectRef p = k.newProcess("server");
        k.setSpaceAndPC(p, programSpace, pc);
        ObjectRef ep = k.newEndpoint();
        k.setRecipient(ep, p);
        made[i] = p;
        eps[i] = ep;
      }
    }
    c = lap(cpu, bytes, step++, c, b);
    b = THREADS.getCurrentThreadAllocatedBytes();
    long t1 = System.nanoTime();
    for (ObjectRef p : made) {
      k.start(p);
    }
    lap(cpu, bytes, step, c, b);
    long t2 = System.nanoTime();
    sampleEndpoints = new ObjectRef[picks.length];
    sampleServers = new ObjectRef[picks.length];
    for (int i = 0; i < picks.length; i++) {
      sampleServers[i] = made[picks[i]];
      sampleEndpoints[i] = eps[picks[i]];
    }
    return new Made(t1 - t0, t2 - t1, cpu, bytes, gcMillis() - gc0);
  }

  /**
   * Records step {@code step}'s CPU time (since {@code cpuBefore}) and allocation (since {@code
   * bytesBefore}) on this thread; returns the CPU time now.
   */
  private static long lap(long[] cpu, long[] bytes, int step, long cpuBefore, long bytesBefore) {
    bytes[step] = THREADS.getCurrentThreadAllocatedBytes() - bytesBefore;
    long now = THREADS.getCurrentThreadCpuTime();
    cpu[step] = now - cpuBefore;
    return now;
  }

  /** Waits until nothing is left to run (every server waits in receive); its nanoseconds. */
  long awaitWaiting() throws InterruptedException {
    long t0 = System.nanoTime();
    if (!k.awaitQuiescent(Duration.ofHours(1))) {
      throw new IllegalStateException("servers still running after an hour");
    }
    long t = System.nanoTime() - t0;
    for (ObjectRef p : sampleServers) {
      ProcessInfo info = k.inspect(p);
      if (info.runState() != ProcessInfo.RECEIVING || info.died()) {
        throw new IllegalStateException("server " + p + " is not waiting in receive: " + info);
      }
    }
    return t;
  }

  /**
   * Creates {@code n} endpoints whose recipients are the sampled servers in turn, each with its own
   * endpoint ID; returns the nanoseconds it took. The endpoints of one server share its Process
   * capability, as endpoints given their recipient by Endpoint.setRecipient from a register do.
   */
  long createEndpoints(long n) {
    CapRef[] recipients = new CapRef[sampleServers.length];
    for (int i = 0; i < recipients.length; i++) {
      recipients[i] = k.cap(sampleServers[i]);
    }
    long t0 = System.nanoTime();
    for (long i = 0; i < n; i++) {
      ObjectRef ep = k.newEndpoint();
      k.setRecipient(ep, recipients[(int) (i % recipients.length)]);
      k.setEndpointId(ep, i + 1);
    }
    return System.nanoTime() - t0;
  }

  /**
   * Calls every sampled server twice, {@link #TARGETS} per batch, and records each call's time: the
   * first call to a server in {@link #firstCall}, the second in {@link #secondCall}.
   */
  void probe() {
    for (int from = 0; from < sampleEndpoints.length; from += TARGETS) {
      int n = Math.min(TARGETS, sampleEndpoints.length - from);
      for (int i = 0; i < n; i++) {
        k.setCapReg(client, CapReg.APP0 + 1 + i, k.entry(sampleEndpoints[from + i], 0));
      }
      batch(n);
      for (int i = 0; i < n; i++) {
        firstCall.recordValue(firstNanos[i]);
        secondCall.recordValue(secondNanos[i]);
      }
    }
  }

  private void batch(int n) {
    if (failure != null) {
      throw new IllegalStateException("an earlier batch failed: " + failure);
    }
    waiter = Thread.currentThread();
    calls = n;
    long target = ++started;
    ObjectRef kicker = k.newProcess("kicker", ScaleRig::kicker);
    k.setCapReg(kicker, GO_REG, goEntry);
    k.start(kicker);
    long deadline = System.nanoTime() + TIMEOUT_NANOS;
    while (completed < target && failure == null) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("probe batch " + target + " did not finish in 120 s");
      }
    }
    if (failure != null) {
      throw new IllegalStateException("probe failed: " + failure);
    }
  }

  /** The probe client: per kick, calls the servers in APP0 + 1 .. APP0 + n twice each. */
  private void client(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    long done = 0;
    for (; ; ) {
      ipc.receive(true, GO_ID);
      int n = calls;
      for (int i = 0; i < n; i++) {
        long server = CapLoc.reg(CapReg.APP0 + 1 + i);
        for (int round = 0; round < 2; round++) {
          long word = 1000L * i + round;
          ipc.w[1] = word;
          long t0 = System.nanoTime();
          boolean ok = ipc.call(server, 1, 0, -1);
          long t = System.nanoTime() - t0;
          if (!ok || ipc.w[1] != word + 1) {
            failure =
                "server "
                    + i
                    + " answered "
                    + (ok ? "w[1]=" + ipc.w[1] : "exception 0x" + Long.toHexString(ipc.w[1]));
            LockSupport.unpark(waiter);
            return;
          }
          (round == 0 ? firstNanos : secondNanos)[i] = t;
        }
      }
      completed = ++done;
      LockSupport.unpark(waiter);
    }
  }

  private static void kicker(SystemCalls sys) {
    new Ipc(sys).send(CapLoc.reg(GO_REG), 0, -1, false);
  }

  /** The kernel's per-CPU counters. */
  String statistics() {
    return k.statistics();
  }

  @Override
  public void close() {
    k.close();
  }

  // ------------------------------------------------------------------ memory

  /** Heap bytes in use after full collections. */
  static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Milliseconds the JVM's collectors have spent collecting so far (their MXBeans' sum). */
  static long gcMillis() {
    long ms = 0;
    for (java.lang.management.GarbageCollectorMXBean gc :
        ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, gc.getCollectionTime());
    }
    return ms;
  }

  /** Metaspace bytes in use (class metadata: outside the heap). */
  static long metaspace() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getName().equals("Metaspace")) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }

  /** The JVM's class histogram ({@code jcmd GC.class_histogram}): class to {instances, bytes}. */
  static Map<String, long[]> classHistogram() {
    Map<String, long[]> out = new HashMap<>();
    try {
      Object text =
          ManagementFactory.getPlatformMBeanServer()
              .invoke(
                  new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                  "gcClassHistogram",
                  new Object[] {new String[0]},
                  new String[] {String[].class.getName()});
      for (String row : String.valueOf(text).split("\n")) {
        String[] f = row.trim().split("\\s+");
        if (f.length >= 4 && f[0].endsWith(":")) {
          out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
      }
    } catch (javax.management.JMException | NumberFormatException e) {
      out.put("(no class histogram: " + e + ")", new long[2]);
    }
    return out;
  }

  /**
   * What was made between two histograms, per item: the {@code lines} classes whose bytes grew
   * most, each with its bytes and instances divided by {@code per}.
   */
  static String perItem(
      Map<String, long[]> before, Map<String, long[]> after, long per, int lines) {
    record Row(String cls, long instances, long bytes) {}
    List<Row> rows = new ArrayList<>();
    after.forEach(
        (cls, v) -> {
          long[] b = before.getOrDefault(cls, new long[2]);
          rows.add(new Row(cls, v[0] - b[0], v[1] - b[1]));
        });
    rows.sort(Comparator.comparingLong(Row::bytes).reversed());
    StringBuilder sb = new StringBuilder();
    long total = 0;
    for (Row r : rows) {
      total += r.bytes();
    }
    sb.append(String.format("%10.1f B in all per item%n", (double) total / per));
    for (Row r : rows.subList(0, Math.min(lines, rows.size()))) {
      sb.append(
          String.format(
              "%10.1f B %8.3f objects  %s%n",
              (double) r.bytes() / per, (double) r.instances() / per, r.cls()));
    }
    return sb.toString();
  }
}
