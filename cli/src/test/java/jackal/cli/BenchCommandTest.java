package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

  @Test
  void defaultLabelIsClassWithoutSuffixDotMethod() {
    assertThat(BenchCommand.defaultLabel("jackal.bench.IpcBenchmark.callReply"))
        .isEqualTo("ipc.callReply");
    assertThat(BenchCommand.defaultLabel("jackal.bench.MemoryBench.alloc"))
        .isEqualTo("memory.alloc");
    assertThat(BenchCommand.defaultLabel("jackal.bench.Stubs.call")).isEqualTo("stubs.call");
  }

  @Test
  void parsesJmhJson() {
    String json =
        """
                [
                  {
                    "jmhVersion" : "1.37",
                    "benchmark" : "jackal.bench.IpcBenchmark.callReply",
                    "mode" : "avgt",
                    "params" : { "size" : "64" },
                    "primaryMetric" : {
                      "score" : 152.3456,
                      "scoreError" : "NaN",
                      "scoreConfidence" : [ 1.0E-3, 2.5e2 ],
                      "scoreUnit" : "ns/op",
                      "rawData" : [ [ 152.1, 152.5 ] ]
                    },
                    "secondaryMetrics" : { }
                  },
                  {
                    "benchmark" : "jackal.bench.IpcBenchmark.directCall",
                    "primaryMetric" : { "score" : 2.0, "scoreUnit" : "ns/op" }
                  }
                ]
                """;
    List<BenchCommand.Figure> figures = BenchCommand.parseResults(json);
    assertThat(figures)
        .extracting(BenchCommand.Figure::line)
        .containsExactly("ipc.callReply[size=64]: 152.3 ns/op", "ipc.directCall: 2 ns/op");
  }

  @Test
  void ratiosNeedBothInputs() {
    Map<String, BenchCommand.Figure> byLabel = new LinkedHashMap<>();
    byLabel.put("a", new BenchCommand.Figure("a", 300, "ns/op"));
    byLabel.put("b", new BenchCommand.Figure("b", 100, "ns/op"));
    BenchCommand.RATIOS.add(new BenchCommand.Ratio("a/b", "a", "b", "x"));
    BenchCommand.RATIOS.add(new BenchCommand.Ratio("a/c", "a", "c", "x"));
    try {
      assertThat(BenchCommand.derive(byLabel))
          .extracting(BenchCommand.Figure::line)
          .containsExactly("a/b: 3 x");
    } finally {
      BenchCommand.RATIOS.removeIf(r -> r.label().startsWith("a/"));
    }
  }

  @Test
  void formatsFourSignificantDigits() {
    assertThat(BenchCommand.format(12345.6)).isEqualTo("12350");
    assertThat(BenchCommand.format(0.00123456)).isEqualTo("0.001235");
    assertThat(BenchCommand.format(1.5)).isEqualTo("1.5");
  }

  /** The figures JMH's JSON result gives, by label, in the order it gives them. */
  private static Map<String, BenchCommand.Figure> parsedByLabel(String json) {
    Map<String, BenchCommand.Figure> byLabel = new LinkedHashMap<>();
    for (BenchCommand.Figure f : BenchCommand.parseResults(json)) {
      byLabel.put(f.label(), f);
    }
    return byLabel;
  }

  /** What the bench jar lists today (jmh -l). */
  private static final List<String> JAR =
      List.of(
          "jackal.bench.BaselineBenchmark.continuationPingpong",
          "jackal.bench.BaselineBenchmark.continuationPingpongDeep",
          "jackal.bench.BaselineBenchmark.crossCoreContinuationCall",
          "jackal.bench.BaselineBenchmark.crossCorePingpong",
          "jackal.bench.EqualPeerBenchmark.actorOneCpu",
          "jackal.bench.EqualPeerBenchmark.actorTwoCpus",
          "jackal.bench.EqualPeerBenchmark.platformTwoCpus",
          "jackal.bench.EqualPeerBenchmark.virtualOneCpu",
          "jackal.bench.EqualPeerBenchmark.virtualTwoCpus",
          "jackal.bench.IpcBenchmark.crossCpu",
          "jackal.bench.IpcBenchmark.crossCpuBatch1k",
          "jackal.bench.IpcBenchmark.emptyBatch",
          "jackal.bench.IpcBenchmark.kernelCapInvoke",
          "jackal.bench.IpcBenchmark.kernelCapInvokeBatch1k",
          "jackal.bench.IpcBenchmark.sameCpu",
          "jackal.bench.IpcBenchmark.sameCpuLoaded",
          "jackal.bench.IpcBenchmark.sameCpuPaired",
          "jackal.bench.IpcBenchmark.sameCpuLoadedPaired",
          "jackal.bench.IpcBenchmark.sameCpuBatch1k",
          "jackal.bench.LatencyBenchmark.crossCpu",
          "jackal.bench.LatencyBenchmark.sameCpu",
          "jackal.bench.MemoryBenchmark.arrayLoad",
          "jackal.bench.MemoryBenchmark.arrayStore",
          "jackal.bench.MemoryBenchmark.load",
          "jackal.bench.MemoryBenchmark.store",
          "jackal.bench.PeerBenchmark.platformThreadHandoff",
          "jackal.bench.PeerBenchmark.platformThreadPark",
          "jackal.bench.PeerBenchmark.virtualThreadHandoff",
          "jackal.bench.PeerBenchmark.virtualThreadPark",
          "jackal.bench.SmpBenchmark.throughputOneCpu",
          "jackal.bench.SmpBenchmark.throughputTwoCpus",
          "jackal.bench.SmpBenchmark.throughputTwoKernels",
          "jackal.bench.SmpPairedBenchmark.throughputPaired",
          "jackal.bench.SpinBenchmark.crossCpu",
          "jackal.bench.StringBenchmark.arraycopy4k",
          "jackal.bench.StringBenchmark.arraycopy64k",
          "jackal.bench.StringBenchmark.string4k",
          "jackal.bench.StringBenchmark.string64k");

  @Test
  void ipcGroupRunsEveryFigureItsRatiosNeedUnderTheRequiredNames() {
    assertThat(BenchCommand.select(JAR, List.of("ipc")).values())
        .containsExactlyInAnyOrder(
            "ipc.roundtrip.same-cpu",
            "ipc.roundtrip.same-cpu.loaded",
            "ipc.paired.call-and-pingpong",
            "ipc.paired.loaded.call-and-pingpong",
            "ipc.roundtrip.cross-cpu",
            "baseline.continuation-pingpong",
            "baseline.cross-core-pingpong",
            "baseline.cross-core-continuation-call",
            "kernel-cap.invoke",
            "peer.platform-thread-handoff",
            "peer.virtual-thread-handoff",
            "ipc.string.4k",
            "ipc.string.64k",
            "baseline.string.4k",
            "baseline.string.64k",
            "ipc.throughput.cpus-1",
            "ipc.throughput.cpus-2",
            "ipc.throughput.paired.all",
            "ipc.latency.same-cpu.mean",
            "ipc.latency.cross-cpu.mean",
            "peer.virtual-thread.cpus-1",
            "peer.actor.cpus-1",
            "peer.throughput.virtual-thread.cpus-2",
            "peer.throughput.platform-thread.cpus-2",
            "peer.throughput.actor.cpus-2");
    assertThat(BenchCommand.RATIOS)
        .filteredOn(r -> r.label().equals("ipc.ratio"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.numerator()).isEqualTo("ipc.roundtrip.same-cpu");
              assertThat(r.denominator()).isEqualTo("baseline.continuation-pingpong");
            });
    // The user's figure: the same call between two programs loaded from pages.
    assertThat(BenchCommand.RATIOS)
        .filteredOn(r -> r.label().equals("ipc.ratio.loaded"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.numerator()).isEqualTo("ipc.roundtrip.same-cpu.loaded");
              assertThat(r.denominator()).isEqualTo("baseline.continuation-pingpong");
            });
  }

  @Test
  void smpGroupRunsThroughputLatencyAndEqualPeersAndScalingDividesTwoCpusByOne() {
    assertThat(BenchCommand.select(JAR, List.of("smp")).values())
        .containsExactlyInAnyOrder(
            "ipc.throughput.cpus-1",
            "ipc.throughput.cpus-2",
            "analysis.throughput.two-kernels",
            "ipc.throughput.paired.all",
            "ipc.latency.same-cpu.mean",
            "ipc.latency.cross-cpu.mean",
            "peer.throughput.virtual-thread.cpus-2",
            "peer.throughput.platform-thread.cpus-2",
            "peer.throughput.actor.cpus-2");
    assertThat(BenchCommand.RATIOS)
        .filteredOn(r -> r.label().equals("ipc.smp.scaling"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.numerator()).isEqualTo("ipc.throughput.cpus-2");
              assertThat(r.denominator()).isEqualTo("ipc.throughput.cpus-1");
            });
    assertThat(BenchCommand.RATIOS)
        .filteredOn(r -> r.label().equals("analysis.smp.ceiling"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.numerator()).isEqualTo("analysis.throughput.two-kernels");
              assertThat(r.denominator()).isEqualTo("ipc.throughput.cpus-1");
            });
    var smp = BenchCommand.select(JAR, List.of("smp")).values();
    for (BenchCommand.Ratio r : BenchCommand.RATIOS) {
      if (r.label().startsWith("ipc.speedup.") && r.label().endsWith(".cpus-2")) {
        assertThat(smp).as(r.label()).contains(r.numerator(), r.denominator());
      }
    }
  }

  @Test
  void latencyPercentilesAreReadFromJmhSecondaryResults() {
    String json =
        """
        [ { "benchmark" : "jackal.bench.LatencyBenchmark.sameCpu",
            "primaryMetric" : { "score" : 900.5, "scoreUnit" : "ns/op" },
            "secondaryMetrics" : {
              "p50" : { "score" : 410.0, "scoreUnit" : "#" },
              "p99" : { "score" : 520000.0, "scoreUnit" : "#" },
              "p999" : { "score" : 990000.0, "scoreUnit" : "#" } } } ]
        """;
    assertThat(BenchCommand.parseResults(json))
        .extracting(BenchCommand.Figure::line)
        .containsExactly(
            "ipc.latency.same-cpu.mean: 900.5 ns/op",
            "ipc.latency.same-cpu.p50: 410 ns",
            "ipc.latency.same-cpu.p99: 520000 ns",
            "ipc.latency.same-cpu.p99.9: 990000 ns");
  }

  /**
   * ipc.ratio.paired and ipc.ratio.loaded.paired: the call and the ping-pong measured alternately
   * in one fork, read from the paired benchmarks' secondary results and divided.
   */
  @Test
  void thePairedRatioDividesTheCallByThePingPongOfTheSameFork() {
    String json =
        """
        [ { "benchmark" : "jackal.bench.IpcBenchmark.sameCpuPaired",
            "primaryMetric" : { "score" : 420.0, "scoreUnit" : "ns/op" },
            "secondaryMetrics" : {
              "callNs" : { "score" : 240.0, "scoreUnit" : "#" },
              "pingpongNs" : { "score" : 180.0, "scoreUnit" : "#" } } },
          { "benchmark" : "jackal.bench.IpcBenchmark.sameCpuLoadedPaired",
            "primaryMetric" : { "score" : 500.0, "scoreUnit" : "ns/op" },
            "secondaryMetrics" : {
              "callNs" : { "score" : 300.0, "scoreUnit" : "#" },
              "pingpongNs" : { "score" : 200.0, "scoreUnit" : "#" } } } ]
        """;
    Map<String, BenchCommand.Figure> byLabel = parsedByLabel(json);
    assertThat(byLabel.values())
        .extracting(BenchCommand.Figure::line)
        .containsExactly(
            "ipc.paired.call-and-pingpong: 420 ns/op",
            "ipc.paired.roundtrip.same-cpu: 240 ns",
            "ipc.paired.continuation-pingpong: 180 ns",
            "ipc.paired.loaded.call-and-pingpong: 500 ns/op",
            "ipc.paired.loaded.roundtrip.same-cpu: 300 ns",
            "ipc.paired.loaded.continuation-pingpong: 200 ns");
    // Each call over the ping-pong of its own fork, never the other's.
    assertThat(BenchCommand.derive(byLabel))
        .extracting(BenchCommand.Figure::line)
        .contains("ipc.ratio.paired: 1.333 x", "ipc.ratio.loaded.paired: 1.5 x");
  }

  /**
   * ipc.smp.scaling.paired and its ceiling: one fork's batches of the one-CPU kernel, the two-CPU
   * kernel and the two one-CPU kernels, read from the paired benchmark's secondary results (calls
   * per second) and divided, each by the one-CPU figure of the same fork.
   */
  @Test
  void thePairedScalingDividesTheTwoCpuThroughputByTheOneCpuThroughputOfTheSameFork() {
    String json =
        """
        [ { "benchmark" : "jackal.bench.SmpPairedBenchmark.throughputPaired",
            "primaryMetric" : { "score" : 6000000.0, "scoreUnit" : "ops/s" },
            "secondaryMetrics" : {
              "oneCpu" : { "score" : 4000000.0, "scoreUnit" : "#" },
              "twoCpus" : { "score" : 7000000.0, "scoreUnit" : "#" },
              "twoKernels" : { "score" : 7600000.0, "scoreUnit" : "#" } } },
          { "benchmark" : "jackal.bench.SmpBenchmark.throughputOneCpu",
            "primaryMetric" : { "score" : 2000000.0, "scoreUnit" : "ops/s" } } ]
        """;
    Map<String, BenchCommand.Figure> byLabel = parsedByLabel(json);
    assertThat(byLabel.values())
        .extracting(BenchCommand.Figure::line)
        .containsExactly(
            "ipc.throughput.paired.all: 6000000 ops/s",
            "ipc.throughput.paired.cpus-1: 4000000 ops/s",
            "ipc.throughput.paired.cpus-2: 7000000 ops/s",
            "ipc.throughput.paired.two-kernels: 7600000 ops/s",
            "ipc.throughput.cpus-1: 2000000 ops/s");
    // Never over the one-CPU fork's figure, which a slower host phase halved here.
    assertThat(BenchCommand.derive(byLabel))
        .extracting(BenchCommand.Figure::line)
        .contains("ipc.smp.scaling.paired: 1.75 x", "ipc.smp.ceiling.paired: 1.9 x")
        .noneMatch(line -> line.startsWith("ipc.smp.scaling:"));
  }

  @Test
  void memoryGroupRunsLoadsStoresStringsAndTheirBaselinesUnderTheRequiredNames() {
    var labels = BenchCommand.select(JAR, List.of("memory")).values();
    assertThat(labels)
        .containsExactlyInAnyOrder(
            "memory.load",
            "memory.store",
            "baseline.array-load",
            "baseline.array-store",
            "ipc.string.4k",
            "ipc.string.64k",
            "baseline.string.4k",
            "baseline.string.64k");
    Map<String, List<String>> ratios =
        Map.of(
            "memory.load.ratio", List.of("memory.load", "baseline.array-load"),
            "memory.store.ratio", List.of("memory.store", "baseline.array-store"),
            "ipc.string.4k.ratio", List.of("ipc.string.4k", "baseline.string.4k"),
            "ipc.string.64k.ratio", List.of("ipc.string.64k", "baseline.string.64k"));
    ratios.forEach(
        (label, inputs) ->
            assertThat(BenchCommand.RATIOS)
                .filteredOn(r -> r.label().equals(label))
                .singleElement()
                .satisfies(
                    r -> {
                      assertThat(List.of(r.numerator(), r.denominator())).isEqualTo(inputs);
                      assertThat(labels).contains(r.numerator(), r.denominator());
                    }));
  }

  @Test
  void everyRatioOfAGroupHasBothInputsInThatGroup() {
    for (String group : BenchCommand.GROUPS.keySet()) {
      var selected = BenchCommand.select(JAR, List.of(group));
      // A group's figures: its benchmarks' primary results and the secondary ones they print.
      List<String> labels = new ArrayList<>(selected.values());
      for (String name : selected.keySet()) {
        labels.addAll(BenchCommand.SECONDARY.getOrDefault(name, Map.of()).values());
      }
      for (BenchCommand.Ratio r : BenchCommand.RATIOS) {
        if (r.label().startsWith(group + ".")) {
          assertThat(labels).as(r.label()).contains(r.numerator(), r.denominator());
        }
      }
    }
  }

  @Test
  void aPlainPrefixStillSelectsByLabel() {
    assertThat(BenchCommand.select(JAR, List.of("peer")).values())
        .containsExactlyInAnyOrder(
            "peer.platform-thread-handoff",
            "peer.virtual-thread-handoff",
            "peer.virtual-thread.cpus-1",
            "peer.actor.cpus-1",
            "peer.throughput.virtual-thread.cpus-2",
            "peer.throughput.platform-thread.cpus-2",
            "peer.throughput.actor.cpus-2");
    assertThat(BenchCommand.select(JAR, List.of("ipc.roundtrip")).values())
        .containsExactly(
            "ipc.roundtrip.cross-cpu", "ipc.roundtrip.same-cpu", "ipc.roundtrip.same-cpu.loaded");
    assertThat(BenchCommand.select(JAR, List.of("peer-alt"))).hasSize(2);
    assertThat(BenchCommand.select(JAR, List.of())).hasSize(JAR.size());
  }

  @Test
  void unknownGroupIsOneLineNamingTheKnownGroups() {
    assertThatThrownBy(() -> BenchCommand.select(JAR, List.of("ipc", "nosuch", "stubs")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no benchmarks in group nosuch, stubs"
                + " (groups: analysis, baseline, harness, ipc, kernel-cap, memory, peer, peer-alt,"
                + " smp, spin)");
    assertThatThrownBy(() -> BenchCommand.select(List.of(), List.of()))
        .hasMessage("no benchmarks in group all (the bench jar has none)");
  }

  @Test
  void scaledRatio() {
    Map<String, BenchCommand.Figure> byLabel = new LinkedHashMap<>();
    byLabel.put(
        "harness.empty-batch", new BenchCommand.Figure("harness.empty-batch", 20000, "ns/op"));
    byLabel.put(
        "ipc.roundtrip.same-cpu", new BenchCommand.Figure("ipc.roundtrip.same-cpu", 400, "ns/op"));
    assertThat(BenchCommand.derive(byLabel))
        .extracting(BenchCommand.Figure::line)
        .containsExactly("harness.overhead.same-cpu: 0.1 %");
  }

  @Test
  void benchHasItsOwnHelp() {
    StringWriter out = new StringWriter();
    picocli.CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    assertThat(cmd.execute("bench", "--help")).isZero();
    assertThat(out.toString()).contains("GROUP", "--jmh", "--log");
  }

  /**
   * End to end against the packaged bench jar (built before this module in the reactor): lists the
   * benchmarks in a child JVM, runs none.
   */
  @Test
  void unknownGroupIsOneLineOnStderrAndExit1() {
    Path home = Path.of("..").toAbsolutePath().normalize();
    Assumptions.assumeTrue(
        Files.isRegularFile(home.resolve("bench/target/jackal-bench.jar")), "bench jar not built");
    String old = System.getProperty("jackal.home");
    System.setProperty("jackal.home", home.toString());
    try {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      picocli.CommandLine cmd = Main.commandLine();
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      assertThat(cmd.execute("bench", "no-such-group")).isEqualTo(1);
      assertThat(err.toString().lines())
          .singleElement()
          .asString()
          .startsWith("jackal: no benchmarks in group no-such-group (groups: ")
          .contains("ipc");
      assertThat(out.toString()).isEmpty();
    } finally {
      if (old == null) {
        System.clearProperty("jackal.home");
      } else {
        System.setProperty("jackal.home", old);
      }
    }
  }
}
