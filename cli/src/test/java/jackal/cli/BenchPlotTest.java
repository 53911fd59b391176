package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code jackal bench --plot DIR}: the SVG charts, and {@code --from FILE}. */
class BenchPlotTest {

  /** The figures of a run (values chosen so that the order of the bars is known). */
  static final String RUN =
      """
      ipc.roundtrip.same-cpu: 522.6 ns/op
      baseline.continuation-pingpong: 223.6 ns/op
      kernel-cap.invoke: 80.7 ns/op
      peer.actor.cpus-1: 305 ns/op
      peer.virtual-thread.cpus-1: 1129 ns/op
      peer.platform-thread-handoff: 21530 ns/op
      ipc.throughput.cpus-1: 2030000 ops/s
      ipc.throughput.cpus-2: 1240000 ops/s
      ipc.throughput.paired.cpus-2: 1900000 ops/s
      peer.throughput.actor.cpus-2: 2600000 ops/s
      ipc.latency.same-cpu.p50: 1260 ns
      ipc.latency.same-cpu.p99: 12800 ns
      ipc.latency.same-cpu.p99.9: 503000 ns
      ipc.latency.cross-cpu.p50: 504000 ns
      ipc.roundtrip.cross-cpu: 1305 ns/op
      baseline.cross-core-continuation-call: 627.5 ns/op
      baseline.cross-core-pingpong: 126.1 ns/op
      # a comment, and an empty line

      ipc.ratio: 2.337 x
      """;

  private static Map<String, BenchCommand.Figure> figures(String text) throws Exception {
    Path f = Files.createTempFile("figures", ".txt");
    try {
      Files.writeString(f, text);
      Map<String, BenchCommand.Figure> m = new LinkedHashMap<>();
      for (BenchCommand.Figure fig : BenchCommand.readFigures(f)) {
        m.put(fig.label(), fig);
      }
      return m;
    } finally {
      Files.delete(f);
    }
  }

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  /** Each bar group of a chart: its figure, the value it shows, its bar's width and its texts. */
  record Drawn(String figure, String value, double width, List<String> texts) {}

  private static List<Drawn> bars(Document d) {
    List<Drawn> out = new ArrayList<>();
    NodeList groups = d.getElementsByTagNameNS("http://www.w3.org/2000/svg", "g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element g = (Element) groups.item(i);
      Element rect = (Element) g.getElementsByTagNameNS("*", "rect").item(0);
      List<String> texts = new ArrayList<>();
      NodeList t = g.getElementsByTagNameNS("*", "text");
      for (int j = 0; j < t.getLength(); j++) {
        texts.add(t.item(j).getTextContent());
      }
      out.add(
          new Drawn(
              g.getAttribute("data-figure"),
              g.getAttribute("data-value"),
              Double.parseDouble(rect.getAttribute("width")),
              texts));
    }
    return out;
  }

  @Test
  void everyChartIsWellFormedSvgAndShowsEachMeasuredFigureWithItsValue(@TempDir Path dir)
      throws Exception {
    Map<String, BenchCommand.Figure> run = figures(RUN);
    List<Path> written = Plots.write(dir, run);
    assertThat(written)
        .extracting(p -> p.getFileName().toString())
        .containsExactly("ipc-peers.svg", "cross-cpu.svg", "scaling.svg", "latency.svg");
    for (Path p : written) {
      Document d = parse(Files.readString(p));
      assertThat(d.getDocumentElement().getLocalName()).isEqualTo("svg");
      Plots.Chart chart =
          Plots.CHARTS.stream()
              .filter(c -> c.file().equals(p.getFileName().toString()))
              .findFirst()
              .orElseThrow();
      List<Drawn> drawn = bars(d);
      List<String> expected =
          chart.bars().stream()
              .map(
                  b ->
                      java.util.Arrays.stream(b.figure().split("\\|"))
                          .filter(run::containsKey)
                          .findFirst())
              .flatMap(java.util.Optional::stream)
              .toList();
      assertThat(drawn).extracting(Drawn::figure).containsExactlyElementsOf(expected);
      for (Drawn b : drawn) {
        String shown = BenchCommand.format(run.get(b.figure()).value());
        assertThat(b.value()).isEqualTo(shown);
        assertThat(b.texts()).contains(shown + " " + chart.unit());
      }
    }
  }

  @Test
  void aLongerBarMeansALargerValueOnLinearAndLogCharts(@TempDir Path dir) throws Exception {
    Map<String, BenchCommand.Figure> run = figures(RUN);
    Plots.write(dir, run);
    for (String file : List.of("ipc-peers.svg", "cross-cpu.svg", "scaling.svg", "latency.svg")) {
      List<Drawn> drawn = bars(parse(Files.readString(dir.resolve(file))));
      for (Drawn a : drawn) {
        for (Drawn b : drawn) {
          double va = run.get(a.figure()).value();
          double vb = run.get(b.figure()).value();
          if (va < vb) {
            assertThat(a.width()).as("%s: %s against %s", file, a, b).isLessThan(b.width());
          }
        }
      }
    }
    List<Drawn> scaling = bars(parse(Files.readString(dir.resolve("scaling.svg"))));
    Drawn one = scaling.get(0);
    Drawn two = scaling.get(1);
    assertThat(two.width() / one.width())
        .as("a linear chart's bars are in proportion to their values")
        .isCloseTo(1_240_000.0 / 2_030_000.0, org.assertj.core.data.Offset.offset(0.01));
  }

  @Test
  void labelsThatLookLikeMarkupAreEscaped() throws Exception {
    Plots.Chart c =
        new Plots.Chart(
            "x.svg",
            "a <b> & \"c\"",
            "<ns>",
            false,
            List.of(new Plots.Bar("f", "bar <one> & 'two'", "#000")));
    String svg = Plots.svg(c, Map.of("f", new BenchCommand.Figure("f", 3, "ns")));
    Document d = parse(svg);
    assertThat(bars(d).get(0).texts()).contains("bar <one> & 'two'", "3 <ns>");
  }

  @Test
  void aChartNoneOfWhoseFiguresWasMeasuredIsNotWritten(@TempDir Path dir) throws Exception {
    List<Path> written = Plots.write(dir, figures("ipc.throughput.cpus-1: 2000000 ops/s\n"));
    assertThat(written).extracting(p -> p.getFileName().toString()).containsExactly("scaling.svg");
    assertThat(dir.resolve("latency.svg")).doesNotExist();
  }

  @Test
  void plotFromASavedRunWritesTheChartsAndNamesThem(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run.txt");
    Files.writeString(run, RUN);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    picocli.CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    Path plots = dir.resolve("plots");
    assertThat(cmd.execute("bench", "--from", run.toString(), "--plot", plots.toString()))
        .as("stderr: %s", err)
        .isZero();
    assertThat(out.toString().lines())
        .containsExactly(
            "plot: " + plots.resolve("ipc-peers.svg"),
            "plot: " + plots.resolve("cross-cpu.svg"),
            "plot: " + plots.resolve("scaling.svg"),
            "plot: " + plots.resolve("latency.svg"));
  }

  @Test
  void aSavedRunWithABadLineIsRefusedNamingTheFileAndLine(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run.txt");
    Files.writeString(run, "ipc.ratio: 2.3 x\nipc.roundtrip.same-cpu 522 ns\n");
    Path bad = dir.resolve("bad-number.txt");
    Files.writeString(bad, "\n\nipc.ratio: fast x\n");
    for (Path f : List.of(run, bad)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      picocli.CommandLine cmd = Main.commandLine();
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      Path plots = dir.resolve("plots-" + f.getFileName());
      assertThat(cmd.execute("bench", "--from", f.toString(), "--plot", plots.toString()))
          .isEqualTo(1);
      assertThat(err.toString().lines())
          .singleElement()
          .asString()
          .startsWith("jackal: " + f + ":" + (f == run ? 2 : 3) + ": ");
      assertThat(plots).doesNotExist();
      assertThat(out.toString()).isEmpty();
    }
  }

  @Test
  void fromWithoutPlotIsRefused(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run.txt");
    Files.writeString(run, RUN);
    StringWriter err = new StringWriter();
    picocli.CommandLine cmd = Main.commandLine();
    cmd.setErr(new PrintWriter(err, true));
    assertThat(cmd.execute("bench", "--from", run.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("--from needs --plot DIR");
  }

  @Test
  void scaleFiguresAreReadFromSecondaryResultsWithTheirUnits() {
    String json =
        """
        [ { "benchmark" : "jackal.bench.ScaleBenchmark.endpoints",
            "params" : { "processes" : "1000000" },
            "primaryMetric" : { "score" : 95.5, "scoreUnit" : "s/op" },
            "secondaryMetrics" : {
              "bytesPerEndpoint" : { "score" : 80.5, "scoreUnit" : "#" },
              "endpointsPerSecond" : { "score" : 350000.0, "scoreUnit" : "#" },
              "heapMiB" : { "score" : 4100.0, "scoreUnit" : "#" },
              "firstCallP50" : { "score" : 8000.0, "scoreUnit" : "#" } } } ]
        """;
    assertThat(BenchCommand.parseResults(json))
        .extracting(BenchCommand.Figure::line)
        .containsExactly(
            "scale.endpoints.run[processes=1000000]: 95.5 s/op",
            "scale.endpoints.bytes-each: 80.5 B",
            "scale.endpoints.endpoints-created-per-s: 350000 /s",
            "scale.endpoints.heap: 4100 MiB",
            "scale.endpoints.first-call.p50: 8000 ns");
  }

  @Test
  void plotFromJmhJsonTakesTheFiguresUnderTheirLabelsAndRefusesBadJsonNamingTheFile(
      @TempDir Path dir) throws Exception {
    Path json = dir.resolve("run.json");
    Files.writeString(
        json,
        """
        [ { "benchmark" : "jackal.bench.ScaleBenchmark.processes",
            "primaryMetric" : { "score" : 600.0, "scoreUnit" : "s/op" },
            "secondaryMetrics" : {
              "bytesPerProcess" : { "score" : 3100.0, "scoreUnit" : "#" },
              "metaspacePerProcess" : { "score" : 4000.0, "scoreUnit" : "#" } } } ]
        """);
    StringWriter out = new StringWriter();
    picocli.CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    Path plots = dir.resolve("plots");
    assertThat(cmd.execute("bench", "--from", json.toString(), "--plot", plots.toString()))
        .isZero();
    List<Drawn> drawn = bars(parse(Files.readString(plots.resolve("scale.svg"))));
    assertThat(drawn)
        .extracting(Drawn::figure, Drawn::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("scale.processes.bytes-each", "3100"),
            org.assertj.core.groups.Tuple.tuple("scale.processes.metaspace-each", "4000"));

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "[ { \"benchmark\" : ");
    StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err, true));
    assertThat(cmd.execute("bench", "--from", bad.toString(), "--plot", plots.toString()))
        .isEqualTo(1);
    assertThat(err.toString().lines())
        .singleElement()
        .asString()
        .startsWith("jackal: " + bad + ": bad JMH JSON at ");
  }

  @Test
  void theScaleBenchmarksRunOnlyWhenTheirGroupIsNamed() {
    List<String> all =
        List.of(
            "jackal.bench.IpcBenchmark.sameCpu",
            "jackal.bench.ScaleBenchmark.processes",
            "jackal.bench.ScaleBenchmark.endpoints");
    assertThat(BenchCommand.select(all, List.of()).values())
        .containsExactly("ipc.roundtrip.same-cpu");
    assertThat(BenchCommand.select(all, List.of("scale")).values())
        .containsExactly("scale.processes.run", "scale.endpoints.run");
  }

  @Test
  void aBarShowsTheFirstMeasuredOfItsAlternativeFigures() throws Exception {
    Plots.Chart c =
        new Plots.Chart(
            "x.svg", "t", "B", false, List.of(new Plots.Bar("a.first|a.second", "bar", "#000")));
    List<Drawn> drawn =
        bars(parse(Plots.svg(c, Map.of("a.second", new BenchCommand.Figure("a.second", 7, "B")))));
    assertThat(drawn)
        .extracting(Drawn::figure, Drawn::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a.second", "7"));
    Map<String, BenchCommand.Figure> both =
        Map.of(
            "a.first", new BenchCommand.Figure("a.first", 5, "B"),
            "a.second", new BenchCommand.Figure("a.second", 7, "B"));
    assertThat(bars(parse(Plots.svg(c, both))))
        .extracting(Drawn::figure)
        .containsExactly("a.first");
  }
}
