package jackal.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jackal bench [GROUP...]}: runs the JMH benchmarks packaged in {@code
 * bench/target/jackal-bench.jar} in a child JVM (this JDK, with {@code --add-exports
 * java.base/jdk.internal.vm=ALL-UNNAMED}), reads JMH's JSON result and prints one line per figure:
 * {@code label: value unit}.
 *
 * <p>A group is a prefix of a benchmark's label ({@code ipc}, {@code memory}, {@code stubs}, ...),
 * or a name in {@link #GROUPS} that stands for several prefixes ({@code ipc} also runs the baseline
 * and peers its ratios divide by); no group means all benchmarks. A group that selects nothing is a
 * one-line error, exit code 1.
 *
 * <p><b>Extension point for benchmark authors:</b> fill in {@link #LABELS} (JMH benchmark method
 * full name to printed label), {@link #RATIOS} (figures derived from two labelled results) and
 * {@link #GROUPS}. Unlisted benchmarks get a default label, see {@link #defaultLabel(String)}. The
 * figures and how to reproduce them are in docs/BENCHMARKS.md.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Run JMH benchmarks (all, or those whose label starts with a GROUP) and print one figure per line.")
public final class BenchCommand implements Callable<Integer> {

  /**
   * JMH benchmark method full name (as JMH reports it) to printed label. The first segment of a
   * label is its group. Insertion order is the print order.
   */
  static final Map<String, String> LABELS = new LinkedHashMap<>();

  /** Derived figures, printed after the measured ones when both inputs were measured. */
  static final List<Ratio> RATIOS = new ArrayList<>();

  /**
   * Named groups whose members are not all under the group's own label prefix: group name to label
   * prefixes. A group not listed here selects the labels that start with it. {@code ipc} runs
   * everything its ratios need in one JMH run (the baselines and the peers), so every ratio
   * compares figures taken side by side; so does {@code memory} (loads, stores and strings with
   * their baselines).
   */
  static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();

  /**
   * Benchmarks in JMH's sample mode printed as one percentile of their samples (JMH's key, such as
   * {@code 99.0}) instead of the mean.
   */
  static final Map<String, String> PERCENTILES = new LinkedHashMap<>();

  /**
   * Figures a benchmark reports as JMH secondary results (an {@code @AuxCounters} state): benchmark
   * full name to (secondary result name to printed label). Printed in ns, after its primary.
   */
  static final Map<String, Map<String, String>> SECONDARY = new LinkedHashMap<>();

  /**
   * Units of secondary figures other than ns: a word of the printed label (between dots or dashes)
   * to its unit.
   */
  static final Map<String, String> SECONDARY_UNITS = new LinkedHashMap<>();

  /**
   * Label prefixes that running all benchmarks leaves out: they run only when their group is named
   * ({@code scale}: minutes and a 6 GiB heap per benchmark).
   */
  static final List<String> ONLY_BY_NAME = List.of("scale.");

  /** Derived figures that are the largest of other derived figures (a worst case). */
  static final Map<String, List<String>> WORST = new LinkedHashMap<>();

  private static final String BENCH = "jackal.bench.";

  static {
    // IPC inside the kernel, per round trip (docs/BENCHMARKS.md).
    LABELS.put(BENCH + "IpcBenchmark.sameCpu", "ipc.roundtrip.same-cpu");
    // The same call between two programs loaded from pages: the figure a user's programs get.
    LABELS.put(BENCH + "IpcBenchmark.sameCpuLoaded", "ipc.roundtrip.same-cpu.loaded");
    // The same call and the bare ping-pong, alternated in one fork on one host CPU: their ratio,
    // ipc.ratio.paired, does not depend on what the host did between two forks.
    LABELS.put(BENCH + "IpcBenchmark.sameCpuPaired", "ipc.paired.call-and-pingpong");
    Map<String, String> paired = new LinkedHashMap<>();
    paired.put("callNs", "ipc.paired.roundtrip.same-cpu");
    paired.put("pingpongNs", "ipc.paired.continuation-pingpong");
    SECONDARY.put(BENCH + "IpcBenchmark.sameCpuPaired", paired);
    LABELS.put(BENCH + "IpcBenchmark.sameCpuLoadedPaired", "ipc.paired.loaded.call-and-pingpong");
    Map<String, String> pairedLoaded = new LinkedHashMap<>();
    pairedLoaded.put("callNs", "ipc.paired.loaded.roundtrip.same-cpu");
    pairedLoaded.put("pingpongNs", "ipc.paired.loaded.continuation-pingpong");
    SECONDARY.put(BENCH + "IpcBenchmark.sameCpuLoadedPaired", pairedLoaded);
    LABELS.put(BENCH + "IpcBenchmark.crossCpu", "ipc.roundtrip.cross-cpu");
    LABELS.put(BENCH + "BaselineBenchmark.continuationPingpong", "baseline.continuation-pingpong");
    LABELS.put(BENCH + "BaselineBenchmark.crossCorePingpong", "baseline.cross-core-pingpong");
    // The least a cross-CPU call through a continuation costs, with no kernel: a flag line and a
    // message line each way, one run and one yield (docs/BENCHMARKS.md, "What a cross-CPU call
    // cannot avoid").
    LABELS.put(
        BENCH + "BaselineBenchmark.crossCoreContinuationCall",
        "baseline.cross-core-continuation-call");
    LABELS.put(BENCH + "IpcBenchmark.kernelCapInvoke", "kernel-cap.invoke");
    LABELS.put(BENCH + "PeerBenchmark.platformThreadHandoff", "peer.platform-thread-handoff");
    LABELS.put(BENCH + "PeerBenchmark.virtualThreadHandoff", "peer.virtual-thread-handoff");
    // The same exchange through volatile slots and park/unpark (the peers above use
    // SynchronousQueue).
    LABELS.put(BENCH + "PeerBenchmark.platformThreadPark", "peer-alt.platform-thread-park");
    LABELS.put(BENCH + "PeerBenchmark.virtualThreadPark", "peer-alt.virtual-thread-park");
    // SMP (issue 10): many independent pairs on one CPU and on two (calls per second); the same
    // exchange by Java peers at the same parallelism; one call's latency under load.
    LABELS.put(BENCH + "SmpBenchmark.throughputOneCpu", "ipc.throughput.cpus-1");
    LABELS.put(BENCH + "SmpBenchmark.throughputTwoCpus", "ipc.throughput.cpus-2");
    // Two one-CPU kernels at once: the JVM's and host's ceiling for ipc.smp.scaling.
    LABELS.put(BENCH + "SmpBenchmark.throughputTwoKernels", "analysis.throughput.two-kernels");
    // The three above, a batch of each in turn in one fork: ipc.smp.scaling.paired and its
    // ceiling divide figures of the same minutes, whatever the host's vCPUs did between forks.
    LABELS.put(BENCH + "SmpPairedBenchmark.throughputPaired", "ipc.throughput.paired.all");
    Map<String, String> pairedSmp = new LinkedHashMap<>();
    pairedSmp.put("oneCpu", "ipc.throughput.paired.cpus-1");
    pairedSmp.put("twoCpus", "ipc.throughput.paired.cpus-2");
    pairedSmp.put("twoKernels", "ipc.throughput.paired.two-kernels");
    SECONDARY.put(BENCH + "SmpPairedBenchmark.throughputPaired", pairedSmp);
    LABELS.put(BENCH + "EqualPeerBenchmark.virtualOneCpu", "peer.virtual-thread.cpus-1");
    LABELS.put(BENCH + "EqualPeerBenchmark.actorOneCpu", "peer.actor.cpus-1");
    LABELS.put(
        BENCH + "EqualPeerBenchmark.virtualTwoCpus", "peer.throughput.virtual-thread.cpus-2");
    LABELS.put(
        BENCH + "EqualPeerBenchmark.platformTwoCpus", "peer.throughput.platform-thread.cpus-2");
    LABELS.put(BENCH + "EqualPeerBenchmark.actorTwoCpus", "peer.throughput.actor.cpus-2");
    for (String where : List.of("same-cpu", "cross-cpu")) {
      String method = where.equals("same-cpu") ? "sameCpu" : "crossCpu";
      LABELS.put(BENCH + "LatencyBenchmark." + method, "ipc.latency." + where + ".mean");
      Map<String, String> percentiles = new LinkedHashMap<>();
      percentiles.put("p50", "ipc.latency." + where + ".p50");
      percentiles.put("p99", "ipc.latency." + where + ".p99");
      percentiles.put("p999", "ipc.latency." + where + ".p99.9");
      SECONDARY.put(BENCH + "LatencyBenchmark." + method, percentiles);
    }
    // Scale (issue 10): 10^6 processes waiting in receive, then 10^7 endpoints; one shot each,
    // the whole run in seconds, and the figures as secondary results with their own units.
    LABELS.put(BENCH + "ScaleBenchmark.processes", "scale.processes.run");
    LABELS.put(BENCH + "ScaleBenchmark.endpoints", "scale.endpoints.run");
    for (String kind : List.of("processes", "endpoints")) {
      String at = "scale." + kind + ".";
      Map<String, String> figures = new LinkedHashMap<>();
      figures.put(
          "bytesPerProcess",
          kind.equals("processes") ? at + "bytes-each" : at + "bytes-per-process");
      figures.put(
          "metaspacePerProcess",
          kind.equals("processes") ? at + "metaspace-each" : at + "metaspace-per-process");
      figures.put("creationsPerSecond", at + "processes-created-per-s");
      figures.put("creationsPerCpuSecond", at + "processes-created-per-cpu-s");
      figures.put("creationsPerSecondWithGc", at + "processes-created-with-gc-per-s");
      figures.put("creationCpuNanos", at + "creation-cpu");
      figures.put("creationBytes", at + "creation-bytes");
      figures.put("waitingPerSecond", at + "processes-waiting-per-s");
      figures.put("bytesPerEndpoint", at + "bytes-each");
      figures.put("endpointsPerSecond", at + "endpoints-created-per-s");
      figures.put("heapMiB", at + "heap");
      figures.put("firstCallP50", at + "first-call.p50");
      figures.put("firstCallP99", at + "first-call.p99");
      figures.put("secondCallP50", at + "second-call.p50");
      SECONDARY.put(BENCH + "ScaleBenchmark." + kind, figures);
    }
    SECONDARY_UNITS.put("bytes", "B");
    SECONDARY_UNITS.put("throughput", "ops/s");
    SECONDARY_UNITS.put("metaspace", "B");
    SECONDARY_UNITS.put("per-s", "/s");
    SECONDARY_UNITS.put("per-cpu-s", "/s");
    SECONDARY_UNITS.put("heap", "MiB");
    // The idle CPU's spin budget against the cross-CPU round trip (a parameter sweep).
    LABELS.put(BENCH + "SpinBenchmark.crossCpu", "spin.cross-cpu");
    // Harness check: small batches, and the fixed cost of one batch.
    LABELS.put(BENCH + "IpcBenchmark.sameCpuBatch1k", "harness.same-cpu.batch-1000");
    LABELS.put(BENCH + "IpcBenchmark.crossCpuBatch1k", "harness.cross-cpu.batch-1000");
    LABELS.put(BENCH + "IpcBenchmark.kernelCapInvokeBatch1k", "harness.kernel-cap.batch-1000");
    LABELS.put(BENCH + "IpcBenchmark.emptyBatch", "harness.empty-batch");
    // Analysis: the bare pingpong with yields as deep as a process's (splits ipc.ratio).
    LABELS.put(
        BENCH + "BaselineBenchmark.continuationPingpongDeep",
        "analysis.continuation-pingpong-depth-8");
    // Memory: a process's 64-bit loads and stores through a three-level GPT space, and the
    // same pattern on a long[] in the same process; calls carrying a string, and
    // arraycopy of the same bytes plus the same call without one.
    LABELS.put(BENCH + "MemoryBenchmark.load", "memory.load");
    LABELS.put(BENCH + "MemoryBenchmark.store", "memory.store");
    LABELS.put(BENCH + "MemoryBenchmark.arrayLoad", "baseline.array-load");
    LABELS.put(BENCH + "MemoryBenchmark.arrayStore", "baseline.array-store");
    LABELS.put(BENCH + "StringBenchmark.string4k", "ipc.string.4k");
    LABELS.put(BENCH + "StringBenchmark.string64k", "ipc.string.64k");
    LABELS.put(BENCH + "StringBenchmark.arraycopy4k", "baseline.string.4k");
    LABELS.put(BENCH + "StringBenchmark.arraycopy64k", "baseline.string.64k");
    // The space bank: a page allocation through the bank program, and a round trip beside it.
    LABELS.put(BENCH + "BankBenchmark.alloc", "bank.alloc");
    LABELS.put(BENCH + "BankBenchmark.roundtrip", "bank.roundtrip");
    // Program spaces: a copy-on-write fault handled by the virtual copy space server.
    LABELS.put(BENCH + "VcsBenchmark.fault", "vcs.fault");
    // Streams: a 4 KiB buffer through a pipe (write and read, both programs through the retry
    // library), and the same buffer written to the Null stream beside it.
    LABELS.put(BENCH + "StreamBenchmark.pipe", "stream.pipe.4k");
    LABELS.put(BENCH + "StreamBenchmark.nullStream", "stream.null.4k");
    // The constructor: a process built through Constructor.create and destroyed with its bank.
    LABELS.put(BENCH + "ConstructorBenchmark.create", "constructor.create");

    // Confined programs: the same compute-bound code plain and rewritten with preemption checks;
    // an honest call on a CPU where a program spins (the 99th percentile of JMH's samples).
    for (String kernel : List.of("sha256", "dot", "sort")) {
      LABELS.put(
          BENCH + "ConfinedBenchmark." + kernel + "Plain", "confined.compute." + kernel + ".plain");
      LABELS.put(
          BENCH + "ConfinedBenchmark." + kernel + "Confined",
          "confined.compute." + kernel + ".confined");
      RATIOS.add(
          new Ratio(
              "confined.compute." + kernel + ".ratio",
              "confined.compute." + kernel + ".confined",
              "confined.compute." + kernel + ".plain",
              "x"));
    }
    // The capture transform (issue 12): the same compute kernels rewritten with preemption checks,
    // and rewritten then made capturable at them, nothing captured; the ratio is its cost.
    for (String kernel : List.of("sha256", "dot", "sort")) {
      LABELS.put(
          BENCH + "CaptureBenchmark." + kernel + "Confined",
          "capture.compute." + kernel + ".confined");
      LABELS.put(
          BENCH + "CaptureBenchmark." + kernel + "Capturable",
          "capture.compute." + kernel + ".capturable");
      RATIOS.add(
          new Ratio(
              "capture.compute." + kernel + ".ratio",
              "capture.compute." + kernel + ".capturable",
              "capture.compute." + kernel + ".confined",
              "x"));
      // Sampled, each call timed, and printed as the median: on a shared host an average divides
      // the share of the CPU each fork got; the median of calls shorter than a scheduling quantum
      // is the code's time (docs/BENCHMARKS.md, "Capture transform").
      PERCENTILES.put(BENCH + "CaptureBenchmark." + kernel + "Confined", "50.0");
      PERCENTILES.put(BENCH + "CaptureBenchmark." + kernel + "Capturable", "50.0");
    }
    // The same transform's cost on IPC (issue 12): a call to a loaded program (the bank's alloc)
    // and the same-CPU echo round trip, each on a kernel with capture off and one with it on.
    for (String call : List.of("bankAlloc", "roundtrip")) {
      String label = "capture.ipc." + (call.equals("bankAlloc") ? "bank" : "roundtrip");
      LABELS.put(BENCH + "CaptureBenchmark." + call + "Confined", label + ".confined");
      LABELS.put(BENCH + "CaptureBenchmark." + call + "Capturable", label + ".capturable");
      RATIOS.add(new Ratio(label + ".ratio", label + ".capturable", label + ".confined", "x"));
    }
    LABELS.put(BENCH + "ConfinedBenchmark.preemptLatency", "confined.preempt.latency");
    // Loading a program of 100 classes: verified once (cached), and cold (verified every time).
    LABELS.put(BENCH + "ConfinedLoadBenchmark.load", "confined.load");
    LABELS.put(BENCH + "ConfinedLoadBenchmark.verify", "confined.verify");
    // System image files of 10 000 objects: built from source, and booted from the file.
    LABELS.put(BENCH + "ImageBenchmark.build", "image.build.10k");
    LABELS.put(BENCH + "ImageBenchmark.boot", "image.boot.10k");
    // Checkpoints (issue 12): the cut's pause with 1 GiB of pages, 10% changed; writing that
    // snapshot against raw sequential writes of as many bytes; restarting from 10^5 objects.
    LABELS.put(BENCH + "CheckpointBenchmark.pause", "checkpoint.pause");
    LABELS.put(BENCH + "CheckpointBenchmark.write", "checkpoint.write");
    LABELS.put(BENCH + "CheckpointBenchmark.rawWrite", "checkpoint.write.raw");
    LABELS.put(BENCH + "CheckpointBenchmark.restart", "restart.time");
    // Time of the store's write over time of the raw write of as many bytes: the raw speed over
    // the store's (the goal is at most 2, the store writing at least half as fast).
    RATIOS.add(
        new Ratio("checkpoint.write.ratio", "checkpoint.write", "checkpoint.write.raw", "x"));
    // The kernel's JFR events on the same-CPU round trip: compiled out, off, recording (issue 13).
    LABELS.put(
        BENCH + "KernelEventsBenchmark.sameCpuEventsCompiledOut", "events.same-cpu.compiled-out");
    LABELS.put(BENCH + "KernelEventsBenchmark.sameCpuEventsOff", "events.same-cpu.off");
    LABELS.put(BENCH + "KernelEventsBenchmark.sameCpuRecording", "events.same-cpu.recording");
    RATIOS.add(
        new Ratio("events.off.ratio", "events.same-cpu.off", "events.same-cpu.compiled-out", "x"));
    RATIOS.add(
        new Ratio(
            "events.recording.ratio",
            "events.same-cpu.recording",
            "events.same-cpu.compiled-out",
            "x"));
    PERCENTILES.put(BENCH + "ConfinedBenchmark.preemptLatency", "99.0");
    WORST.put(
        "capture.compute.ratio",
        List.of(
            "capture.compute.sha256.ratio",
            "capture.compute.dot.ratio",
            "capture.compute.sort.ratio"));
    WORST.put(
        "confined.compute.ratio",
        List.of(
            "confined.compute.sha256.ratio",
            "confined.compute.dot.ratio",
            "confined.compute.sort.ratio"));

    RATIOS.add(
        new Ratio("ipc.ratio", "ipc.roundtrip.same-cpu", "baseline.continuation-pingpong", "x"));
    RATIOS.add(
        new Ratio(
            "ipc.ratio.paired",
            "ipc.paired.roundtrip.same-cpu",
            "ipc.paired.continuation-pingpong",
            "x"));
    RATIOS.add(
        new Ratio(
            "ipc.ratio.loaded.paired",
            "ipc.paired.loaded.roundtrip.same-cpu",
            "ipc.paired.loaded.continuation-pingpong",
            "x"));
    RATIOS.add(
        new Ratio(
            "ipc.ratio.loaded",
            "ipc.roundtrip.same-cpu.loaded",
            "baseline.continuation-pingpong",
            "x"));
    RATIOS.add(
        new Ratio(
            "ipc.cross-cpu.ratio", "ipc.roundtrip.cross-cpu", "baseline.cross-core-pingpong", "x"));
    // The cross-CPU call against that floor, and the floor in the units of ipc.cross-cpu.ratio.
    RATIOS.add(
        new Ratio(
            "ipc.cross-cpu.over-floor",
            "ipc.roundtrip.cross-cpu",
            "baseline.cross-core-continuation-call",
            "x"));
    RATIOS.add(
        new Ratio(
            "ipc.cross-cpu.floor.ratio",
            "baseline.cross-core-continuation-call",
            "baseline.cross-core-pingpong",
            "x"));
    RATIOS.add(new Ratio("ipc.string.4k.ratio", "ipc.string.4k", "baseline.string.4k", "x"));
    RATIOS.add(new Ratio("ipc.string.64k.ratio", "ipc.string.64k", "baseline.string.64k", "x"));
    RATIOS.add(new Ratio("memory.load.ratio", "memory.load", "baseline.array-load", "x"));
    RATIOS.add(new Ratio("stub.call.ratio", "stubs.generated", "stubs.handBuilt", "x"));
    RATIOS.add(new Ratio("bank.alloc.ratio", "bank.alloc", "bank.roundtrip", "x"));
    RATIOS.add(new Ratio("stream.pipe.ratio", "stream.pipe.4k", "stream.null.4k", "x"));
    RATIOS.add(new Ratio("memory.store.ratio", "memory.store", "baseline.array-store", "x"));
    RATIOS.add(
        new Ratio(
            "ipc.speedup.platform-thread",
            "peer.platform-thread-handoff",
            "ipc.roundtrip.same-cpu",
            "x"));
    // Against virtual threads on as many carriers as Jackal has CPUs (one); the default
    // scheduler's two carriers are the -2-carriers figure.
    RATIOS.add(
        new Ratio(
            "ipc.speedup.virtual-thread",
            "peer.virtual-thread.cpus-1",
            "ipc.roundtrip.same-cpu",
            "x"));
    RATIOS.add(
        new Ratio(
            "ipc.speedup.virtual-thread-2-carriers",
            "peer.virtual-thread-handoff",
            "ipc.roundtrip.same-cpu",
            "x"));
    RATIOS.add(new Ratio("ipc.speedup.actor", "peer.actor.cpus-1", "ipc.roundtrip.same-cpu", "x"));
    RATIOS.add(new Ratio("ipc.smp.scaling", "ipc.throughput.cpus-2", "ipc.throughput.cpus-1", "x"));
    RATIOS.add(
        new Ratio(
            "ipc.smp.scaling.paired",
            "ipc.throughput.paired.cpus-2",
            "ipc.throughput.paired.cpus-1",
            "x"));
    RATIOS.add(
        new Ratio(
            "ipc.smp.ceiling.paired",
            "ipc.throughput.paired.two-kernels",
            "ipc.throughput.paired.cpus-1",
            "x"));
    // The host's own ceiling for that scaling in the same run: two one-CPU kernels side by side
    // share nothing but the JVM and the host, whose speed drifts between forks (BENCHMARKS.md).
    RATIOS.add(
        new Ratio(
            "analysis.smp.ceiling",
            "analysis.throughput.two-kernels",
            "ipc.throughput.cpus-1",
            "x"));
    // Throughputs: Jackal's calls per second over the peer's.
    for (String peer : List.of("virtual-thread", "platform-thread", "actor")) {
      RATIOS.add(
          new Ratio(
              "ipc.speedup." + peer + ".cpus-2",
              "ipc.throughput.cpus-2",
              "peer.throughput." + peer + ".cpus-2",
              "x"));
    }
    // Share of a 50000-call batch spent outside the calls (starting the client, waking JMH).
    RATIOS.add(
        new Ratio(
            "harness.overhead.same-cpu",
            "harness.empty-batch",
            "ipc.roundtrip.same-cpu",
            "%",
            100.0 / 50_000));
    RATIOS.add(
        new Ratio(
            "harness.overhead.kernel-cap",
            "harness.empty-batch",
            "kernel-cap.invoke",
            "%",
            100.0 / 50_000));
    RATIOS.add(
        new Ratio(
            "analysis.depth-8/depth-0",
            "analysis.continuation-pingpong-depth-8",
            "baseline.continuation-pingpong",
            "x"));
    RATIOS.add(
        new Ratio(
            "harness.same-cpu.batch-1000/50000",
            "harness.same-cpu.batch-1000",
            "ipc.roundtrip.same-cpu",
            "x"));
    RATIOS.add(
        new Ratio(
            "harness.cross-cpu.batch-1000/50000",
            "harness.cross-cpu.batch-1000",
            "ipc.roundtrip.cross-cpu",
            "x"));
    RATIOS.add(
        new Ratio(
            "harness.kernel-cap.batch-1000/50000",
            "harness.kernel-cap.batch-1000",
            "kernel-cap.invoke",
            "x"));

    GROUPS.put(
        "ipc",
        List.of(
            "ipc.",
            "kernel-cap.",
            "baseline.continuation-pingpong",
            "baseline.cross-core-pingpong",
            "baseline.cross-core-continuation-call",
            "baseline.string.",
            "peer.platform-thread-handoff",
            "peer.virtual-thread-handoff",
            "peer.virtual-thread.cpus-1",
            "peer.actor.cpus-1",
            "peer.throughput."));
    GROUPS.put(
        "smp",
        List.of("ipc.throughput.", "analysis.throughput.", "ipc.latency.", "peer.throughput."));
    GROUPS.put(
        "memory",
        List.of(
            "memory.",
            "baseline.array-load",
            "baseline.array-store",
            "ipc.string.",
            "baseline.string."));
    GROUPS.put(
        "analysis",
        List.of("analysis.", "baseline.continuation-pingpong", "ipc.throughput.cpus-1"));
    GROUPS.put(
        "harness",
        List.of(
            "harness.", "ipc.roundtrip.same-cpu", "ipc.roundtrip.cross-cpu", "kernel-cap.invoke"));
  }

  /**
   * A derived figure {@code scale * numerator / denominator}; both are labels of measured figures
   * (without a {@code [param=value]} suffix unless the benchmark has params).
   */
  record Ratio(String label, String numerator, String denominator, String unit, double scale) {
    Ratio {
      Objects.requireNonNull(label);
      Objects.requireNonNull(numerator);
      Objects.requireNonNull(denominator);
      Objects.requireNonNull(unit);
    }

    /** {@code numerator / denominator}, unscaled. */
    Ratio(String label, String numerator, String denominator, String unit) {
      this(label, numerator, denominator, unit, 1.0);
    }
  }

  /** One measured figure. */
  record Figure(String label, double value, String unit) {
    String line() {
      return label + ": " + format(value) + " " + unit;
    }
  }

  @Parameters(
      arity = "0..*",
      paramLabel = "GROUP",
      description = "Label prefix such as ipc, memory, stubs; none = all benchmarks.")
  List<String> groups = new ArrayList<>();

  @Option(
      names = "--jmh",
      paramLabel = "ARG",
      description =
          "Extra argument passed to JMH as is (repeatable), e.g. --jmh=-f1 --jmh=-i1 --jmh=-wi1.")
  List<String> jmhArgs = new ArrayList<>();

  @Option(
      names = {"-v", "--verbose"},
      description = "Show JMH's own output (on stderr).")
  boolean verbose;

  @Option(
      names = "--log",
      paramLabel = "FILE",
      description = "Keep JMH's own output (scores with their errors) in FILE.")
  Path logFile;

  @Option(
      names = "--plot",
      paramLabel = "DIR",
      description =
          "Also write SVG charts of the figures into DIR: IPC against peers, scaling with CPUs,"
              + " latency percentiles, scale.")
  Path plotDir;

  @Option(
      names = "--from",
      paramLabel = "FILE",
      description =
          "Take the figures from FILE instead of running benchmarks: lines this command printed"
              + " (label: value unit), or JMH's JSON result (*.json). Repeatable; with --plot.")
  List<Path> fromFiles = new ArrayList<>();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();

    if (!fromFiles.isEmpty()) {
      if (plotDir == null) {
        err.println("jackal: --from needs --plot DIR (figures from a file are only plotted)");
        err.flush();
        return 1;
      }
      Map<String, Figure> byLabel = new LinkedHashMap<>();
      try {
        for (Path f : fromFiles) {
          for (Figure fig : readSaved(f)) {
            byLabel.put(fig.label(), fig);
          }
        }
      } catch (IllegalArgumentException | IOException e) {
        err.println("jackal: " + Main.oneLine(String.valueOf(e.getMessage())));
        err.flush();
        return 1;
      }
      return plot(byLabel, out);
    }

    Path home = Path.of(System.getProperty("jackal.home", ".")).toAbsolutePath().normalize();
    Path jar = home.resolve("bench/target/jackal-bench.jar");
    Path lib = home.resolve("bench/target/lib");
    if (!Files.isRegularFile(jar)) {
      err.println("jackal: benchmarks not built (missing " + jar + "); run ./jackal once to build");
      err.flush();
      return 1;
    }
    String classPath = jar + java.io.File.pathSeparator + lib.resolve("*");

    // 1. Which benchmarks exist, and which are selected by the groups.
    List<String> all = listBenchmarks(classPath);
    Map<String, String> selected;
    try {
      selected = select(all, groups);
    } catch (IllegalArgumentException e) {
      err.println("jackal: " + e.getMessage());
      err.flush();
      return 1;
    }

    // 2. Run them with JSON results.
    Path result = Files.createTempFile("jackal-bench-", ".json");
    Path log = logFile != null ? logFile : Files.createTempFile("jackal-bench-", ".log");
    try {
      List<String> cmd = javaCommand(classPath);
      for (String name : selected.keySet()) {
        cmd.add("^" + Pattern.quote(name) + "$");
      }
      cmd.addAll(List.of("-rf", "json", "-rff", result.toString()));
      cmd.addAll(jmhArgs);
      err.println(
          "jackal: running "
              + selected.size()
              + " benchmark(s)"
              + (verbose ? "" : "; JMH log: " + log));
      err.flush();
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      if (verbose) {
        pb.redirectOutput(ProcessBuilder.Redirect.INHERIT);
      } else {
        pb.redirectOutput(log.toFile());
      }
      int code = pb.start().waitFor();
      if (code != 0) {
        err.println("jackal: JMH failed (exit " + code + ")");
        if (!verbose) {
          List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
          lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(err::println);
        }
        err.flush();
        return 1;
      }

      // 3. Print figures.
      List<Figure> figures = parseResults(Files.readString(result, StandardCharsets.UTF_8));
      figures.sort((a, b) -> Integer.compare(order(a.label()), order(b.label())));
      Map<String, Figure> byLabel = new LinkedHashMap<>();
      for (Figure f : figures) {
        byLabel.put(f.label(), f);
        out.println(f.line());
      }
      for (Figure f : derive(byLabel)) {
        out.println(f.line());
      }
      out.flush();
      if (plotDir != null && plot(byLabel, out) != 0) {
        return 1;
      }
      if (!verbose && logFile == null) {
        Files.deleteIfExists(log);
      }
      return 0;
    } finally {
      Files.deleteIfExists(result);
    }
  }

  /** Writes the charts of {@code figures} into {@link #plotDir} and names the files written. */
  private int plot(Map<String, Figure> figures, PrintWriter out) throws IOException {
    List<Path> written = Plots.write(plotDir, figures);
    if (written.isEmpty()) {
      spec.commandLine().getErr().println("jackal: no figure of any chart was measured; no plot");
      spec.commandLine().getErr().flush();
      return 1;
    }
    for (Path p : written) {
      out.println("plot: " + p);
    }
    out.flush();
    return 0;
  }

  /** Java command (this JDK) for running JMH's main class from the bench jar. */
  private static List<String> javaCommand(String classPath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("--add-exports");
    cmd.add("java.base/jdk.internal.vm=ALL-UNNAMED");
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add("org.openjdk.jmh.Main");
    return cmd;
  }

  /** Names of all benchmarks in the jar ({@code jmh -l}); empty if it has none. */
  private static List<String> listBenchmarks(String classPath)
      throws IOException, InterruptedException {
    List<String> cmd = javaCommand(classPath);
    cmd.add("-l");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = p.waitFor();
    List<String> names = new ArrayList<>();
    if (code != 0) {
      // JMH exits non-zero when the jar has no META-INF/BenchmarkList at all.
      if (output.contains("BenchmarkList")) {
        return names;
      }
      throw new IOException(
          "listing benchmarks failed (exit " + code + "): " + Main.oneLine(output));
    }
    boolean inList = false;
    for (String line : output.lines().toList()) {
      if (line.startsWith("Benchmarks:")) {
        inList = true;
      } else if (inList && !line.isBlank()) {
        names.add(line.strip());
      }
    }
    return names;
  }

  /**
   * The benchmarks (JMH name to label) that {@code groups} select, in {@code all}'s order; no group
   * selects all. A group named in {@link #GROUPS} selects the labels under one of its prefixes, any
   * other group the labels under it (see {@link #inGroup}).
   *
   * @throws IllegalArgumentException naming the groups that select nothing (one line)
   */
  static Map<String, String> select(List<String> all, List<String> groups) {
    Map<String, String> selected = new LinkedHashMap<>();
    List<String> wanted = groups.isEmpty() ? List.of("") : groups;
    List<String> empty = new ArrayList<>();
    for (String group : wanted) {
      List<String> prefixes = GROUPS.getOrDefault(group, List.of(group));
      boolean any = false;
      for (String name : all) {
        String label = label(name);
        if (group.isEmpty() && ONLY_BY_NAME.stream().anyMatch(label::startsWith)) {
          continue;
        }
        if (prefixes.stream().anyMatch(prefix -> inGroup(label, prefix))) {
          selected.put(name, label);
          any = true;
        }
      }
      if (!any) {
        empty.add(group.isEmpty() ? "all" : group);
      }
    }
    if (!empty.isEmpty()) {
      java.util.Set<String> known = new java.util.TreeSet<>(GROUPS.keySet());
      for (String name : all) {
        String label = label(name);
        int dot = label.indexOf('.');
        known.add(dot < 0 ? label : label.substring(0, dot));
      }
      throw new IllegalArgumentException(
          "no benchmarks in group "
              + String.join(", ", empty)
              + (all.isEmpty()
                  ? " (the bench jar has none)"
                  : " (groups: " + String.join(", ", known) + ")"));
    }
    return selected;
  }

  /**
   * True if {@code label} is under {@code prefix} segment-wise: {@code peer} takes {@code peer.x}
   * and {@code peer[...]} but not {@code peer-alt.x}; a prefix ending in a dot takes any label that
   * starts with it.
   */
  static boolean inGroup(String label, String prefix) {
    if (prefix.isEmpty() || prefix.endsWith(".")) {
      return label.startsWith(prefix);
    }
    if (!label.startsWith(prefix)) {
      return false;
    }
    return label.length() == prefix.length() || ".[".indexOf(label.charAt(prefix.length())) >= 0;
  }

  static String label(String benchmark) {
    String label = LABELS.get(benchmark);
    return label != null ? label : defaultLabel(benchmark);
  }

  /**
   * Label of a benchmark not in {@link #LABELS}: simple class name without a {@code
   * Benchmark}/{@code Bench} suffix, first letter lower-cased, dot, method; e.g. {@code
   * jackal.bench.IpcBenchmark.callReply} becomes {@code ipc.callReply}.
   */
  static String defaultLabel(String benchmark) {
    int m = benchmark.lastIndexOf('.');
    String method = benchmark.substring(m + 1);
    String cls = m < 0 ? "" : benchmark.substring(0, m);
    cls = cls.substring(cls.lastIndexOf('.') + 1).replaceFirst("(Benchmarks?|Bench)$", "");
    if (cls.isEmpty()) {
      return method;
    }
    return Character.toLowerCase(cls.charAt(0)) + cls.substring(1) + "." + method;
  }

  /** Print order: labels listed in LABELS first (in map order), others after. */
  private static int order(String label) {
    int i = 0;
    String base = label.replaceFirst("\\[.*$", "");
    for (String l : LABELS.values()) {
      if (l.equals(base)) {
        return i;
      }
      i++;
    }
    return Integer.MAX_VALUE;
  }

  static List<Figure> derive(Map<String, Figure> byLabel) {
    List<Figure> derived = new ArrayList<>();
    for (Ratio r : RATIOS) {
      Figure num = byLabel.get(r.numerator());
      Figure den = byLabel.get(r.denominator());
      if (num != null && den != null && den.value() != 0) {
        derived.add(new Figure(r.label(), r.scale() * num.value() / den.value(), r.unit()));
      }
    }
    for (Map.Entry<String, List<String>> w : WORST.entrySet()) {
      Figure worst = null;
      for (Figure f : derived) {
        if (w.getValue().contains(f.label()) && (worst == null || f.value() > worst.value())) {
          worst = f;
        }
      }
      if (worst != null) {
        derived.add(new Figure(w.getKey(), worst.value(), worst.unit()));
      }
    }
    return derived;
  }

  /** Figures from JMH's {@code -rf json} output (primary metric of each run). */
  static List<Figure> parseResults(String json) {
    List<Figure> figures = new ArrayList<>();
    Object root = new Json(json).parse();
    if (!(root instanceof List<?> runs)) {
      return figures;
    }
    for (Object o : runs) {
      if (!(o instanceof Map<?, ?> run)) {
        continue;
      }
      String name = String.valueOf(run.get("benchmark"));
      String label = label(name);
      if (run.get("params") instanceof Map<?, ?> params && !params.isEmpty()) {
        StringBuilder sb = new StringBuilder("[");
        new TreeMap<>(params)
            .forEach(
                (k, v) -> {
                  if (sb.length() > 1) {
                    sb.append(',');
                  }
                  sb.append(k).append('=').append(v);
                });
        label += sb.append(']');
      }
      if (run.get("primaryMetric") instanceof Map<?, ?> pm) {
        Object score = pm.get("score");
        String percentile = PERCENTILES.get(name);
        if (percentile != null && pm.get("scorePercentiles") instanceof Map<?, ?> ps) {
          score = ps.get(percentile);
        }
        figures.add(new Figure(label, number(score), String.valueOf(pm.get("scoreUnit"))));
      }
      Map<String, String> secondary = SECONDARY.get(name);
      if (secondary != null && run.get("secondaryMetrics") instanceof Map<?, ?> sm) {
        for (Map.Entry<String, String> e : secondary.entrySet()) {
          if (sm.get(e.getKey()) instanceof Map<?, ?> m) {
            figures.add(new Figure(e.getValue(), number(m.get("score")), unitOf(e.getValue())));
          }
        }
      }
    }
    return figures;
  }

  /** The unit of a secondary figure: by a word of its label ({@link #SECONDARY_UNITS}), else ns. */
  static String unitOf(String label) {
    for (String word : label.split("[.\\-]")) {
      String unit = SECONDARY_UNITS.get(word);
      if (unit != null) {
        return unit;
      }
    }
    for (Map.Entry<String, String> e : SECONDARY_UNITS.entrySet()) {
      if (label.endsWith("-" + e.getKey())) {
        return e.getValue();
      }
    }
    return "ns";
  }

  /**
   * Figures from the lines {@code jackal bench} printed ({@code label: value unit}), as saved in
   * {@code file}; blank lines and lines starting with {@code #} are skipped.
   *
   * @throws IllegalArgumentException naming the file and line of the first line that is not a
   *     figure
   */
  static List<Figure> readFigures(Path file) throws IOException {
    List<Figure> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      java.util.regex.Matcher m = FIGURE_LINE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": not a figure line (label: value unit): " + line);
      }
      double v;
      try {
        v = Double.parseDouble(m.group(2));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            file + ":" + (i + 1) + ": not a number: " + m.group(2), e);
      }
      out.add(new Figure(m.group(1), v, m.group(3)));
    }
    return out;
  }

  /**
   * Figures saved from a run: JMH's JSON result ({@code -rf json}, a file whose name ends in {@code
   * .json}) or the lines this command printed.
   *
   * @throws IllegalArgumentException naming the file and where in it the first error is
   */
  static List<Figure> readSaved(Path file) throws IOException {
    if (!file.getFileName().toString().endsWith(".json")) {
      return readFigures(file);
    }
    try {
      return parseResults(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static final Pattern FIGURE_LINE = Pattern.compile("(\\S+): (\\S+) (\\S+)");

  private static double number(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(o));
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Four significant digits, plain notation. */
  static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return String.valueOf(v);
    }
    BigDecimal d = new BigDecimal(v).round(new MathContext(4));
    return d.stripTrailingZeros().scale() < 0
        ? d.setScale(0).toPlainString()
        : d.stripTrailingZeros().toPlainString();
  }

  /** Minimal JSON reader: objects to LinkedHashMap, arrays to List, numbers to Double. */
  static final class Json {
    private final String s;
    private int i;

    Json(String s) {
      this.s = s;
    }

    Object parse() {
      Object v = value();
      ws();
      if (i != s.length()) {
        throw error("trailing data");
      }
      return v;
    }

    private Object value() {
      ws();
      if (i >= s.length()) {
        throw error("unexpected end");
      }
      char c = s.charAt(i);
      switch (c) {
        case '{' -> {
          i++;
          Map<String, Object> m = new LinkedHashMap<>();
          ws();
          if (peek('}')) {
            return m;
          }
          do {
            ws();
            String k = string();
            ws();
            expect(':');
            m.put(k, value());
            ws();
          } while (peek(','));
          expect('}');
          return m;
        }
        case '[' -> {
          i++;
          List<Object> l = new ArrayList<>();
          ws();
          if (peek(']')) {
            return l;
          }
          do {
            l.add(value());
            ws();
          } while (peek(','));
          expect(']');
          return l;
        }
        case '"' -> {
          return string();
        }
        default -> {
          if (s.startsWith("true", i)) {
            i += 4;
            return true;
          }
          if (s.startsWith("false", i)) {
            i += 5;
            return false;
          }
          if (s.startsWith("null", i)) {
            i += 4;
            return null;
          }
          int start = i;
          while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
          }
          if (start == i) {
            throw error("unexpected '" + c + "'");
          }
          return Double.parseDouble(s.substring(start, i));
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw error("unterminated string");
        }
        char c = s.charAt(i++);
        if (c == '"') {
          return sb.toString();
        }
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> sb.append(e);
        }
      }
    }

    private void ws() {
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
    }

    private boolean peek(char c) {
      if (i < s.length() && s.charAt(i) == c) {
        i++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("bad JMH JSON at " + i + ": " + what);
    }
  }
}
