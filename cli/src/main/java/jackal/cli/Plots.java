package jackal.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The charts of {@code jackal bench --plot DIR}: hand-written SVG (no plotting library), one file
 * per chart, each a horizontal bar chart of figures measured in one run, every bar labelled with
 * its figure's name and value. A chart none of whose figures was measured is not written.
 */
final class Plots {
  private Plots() {}

  /**
   * One bar: the figure's label (or several separated by {@code |}: the first measured one is
   * shown), what the chart calls it, and its colour.
   */
  record Bar(String figure, String name, String colour) {}

  /** A chart: its file name, title, the unit its figures share, its scale and its bars. */
  record Chart(String file, String title, String unit, boolean log, List<Bar> bars) {}

  private static final String JACKAL = "#2b6cb0";
  private static final String BASE = "#718096";
  private static final String PEER = "#dd6b20";
  private static final String CROSS = "#805ad5";

  /**
   * The charts issue 10 asks for: IPC against peers, scaling with CPUs, latency percentiles; and
   * the cross-CPU call against its floor.
   */
  static final List<Chart> CHARTS =
      List.of(
          new Chart(
              "ipc-peers.svg",
              "One round trip on one CPU: Jackal against the same exchange in plain Java",
              "ns",
              true,
              List.of(
                  new Bar("ipc.roundtrip.same-cpu", "Jackal call + reply, same CPU", JACKAL),
                  new Bar("kernel-cap.invoke", "Jackal kernel-capability call", JACKAL),
                  new Bar("baseline.continuation-pingpong", "bare continuation ping-pong", BASE),
                  new Bar("peer.actor.cpus-1", "actors, one-thread pool", PEER),
                  new Bar("peer.virtual-thread.cpus-1", "virtual threads, one carrier", PEER),
                  new Bar("peer.virtual-thread-handoff", "virtual threads, two carriers", PEER),
                  new Bar("peer.platform-thread-handoff", "platform threads", PEER))),
          new Chart(
              "cross-cpu.svg",
              "One round trip across two CPUs: Jackal against the least such a call can cost",
              "ns",
              false,
              List.of(
                  new Bar("ipc.roundtrip.cross-cpu", "Jackal call + reply, two CPUs", CROSS),
                  new Bar(
                      "baseline.cross-core-continuation-call", "floor: the same, no kernel", BASE),
                  new Bar("baseline.cross-core-pingpong", "one word, one line (raw)", BASE))),
          new Chart(
              "scaling.svg",
              "Calls per second of 8 client/server pairs, by CPUs",
              "calls/s",
              false,
              List.of(
                  new Bar("ipc.throughput.cpus-1", "Jackal, 1 CPU", JACKAL),
                  new Bar("ipc.throughput.cpus-2", "Jackal, 2 CPUs", JACKAL),
                  new Bar("analysis.throughput.two-kernels", "two 1-CPU kernels (ceiling)", BASE),
                  new Bar("ipc.throughput.paired.cpus-1", "Jackal, 1 CPU, one fork", JACKAL),
                  new Bar("ipc.throughput.paired.cpus-2", "Jackal, 2 CPUs, one fork", JACKAL),
                  new Bar("ipc.throughput.paired.two-kernels", "ceiling, one fork", BASE),
                  new Bar("peer.throughput.actor.cpus-2", "actors, 2 threads", PEER),
                  new Bar("peer.throughput.virtual-thread.cpus-2", "virtual threads, 2", PEER),
                  new Bar("peer.throughput.platform-thread.cpus-2", "platform threads", PEER))),
          new Chart(
              "latency.svg",
              "Latency of one call under background pairs (percentiles)",
              "ns",
              true,
              List.of(
                  new Bar("ipc.latency.same-cpu.p50", "same CPU p50", JACKAL),
                  new Bar("ipc.latency.same-cpu.p99", "same CPU p99", JACKAL),
                  new Bar("ipc.latency.same-cpu.p99.9", "same CPU p99.9", JACKAL),
                  new Bar("ipc.latency.cross-cpu.p50", "cross CPU p50", CROSS),
                  new Bar("ipc.latency.cross-cpu.p99", "cross CPU p99", CROSS),
                  new Bar("ipc.latency.cross-cpu.p99.9", "cross CPU p99.9", CROSS))),
          new Chart(
              "scale.svg",
              "What a waiting process and an endpoint cost (bytes of heap each)",
              "B",
              false,
              List.of(
                  new Bar(
                      "scale.processes.bytes-each|scale.endpoints.bytes-per-process",
                      "process waiting in receive",
                      JACKAL),
                  new Bar(
                      "scale.processes.metaspace-each|scale.endpoints.metaspace-per-process",
                      "its metaspace (classes)",
                      BASE),
                  new Bar("scale.endpoints.bytes-each", "endpoint", JACKAL))));

  private static final int WIDTH = 760;
  private static final int LABEL_W = 250;
  private static final int BAR_H = 22;
  private static final int GAP = 8;
  private static final int TOP = 44;
  private static final int PLOT_W = WIDTH - LABEL_W - 120;

  /**
   * Writes every chart with at least one measured figure into {@code dir} (made if missing);
   * returns the files written.
   */
  static List<Path> write(Path dir, Map<String, BenchCommand.Figure> figures) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (Chart c : CHARTS) {
      String svg = svg(c, figures);
      if (svg != null) {
        Path f = dir.resolve(c.file());
        Files.writeString(f, svg, StandardCharsets.UTF_8);
        written.add(f);
      }
    }
    return written;
  }

  /** The chart as SVG text, or null when none of its figures is in {@code figures}. */
  static String svg(Chart c, Map<String, BenchCommand.Figure> figures) {
    List<Bar> bars = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (Bar b : c.bars()) {
      for (String name : b.figure().split("\\|")) {
        BenchCommand.Figure f = figures.get(name);
        if (f != null && Double.isFinite(f.value()) && f.value() > 0) {
          bars.add(new Bar(name, b.name(), b.colour()));
          values.add(f.value());
          break;
        }
      }
    }
    if (bars.isEmpty()) {
      return null;
    }
    double max = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double min = values.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    // A log scale starts a decade below the smallest value, so every bar has a visible length.
    double lo = c.log() ? Math.pow(10, Math.floor(Math.log10(min)) - 1) : 0;
    double hi = c.log() ? Math.pow(10, Math.ceil(Math.log10(max))) : niceCeiling(max);
    int height = TOP + bars.size() * (BAR_H + GAP) + 40;
    StringBuilder s = new StringBuilder();
    s.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d"
                + " %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            WIDTH,
            height,
            WIDTH,
            height));
    s.append(String.format(Locale.ROOT, "<title>%s</title>%n", escape(c.title())));
    s.append(
        String.format(
            Locale.ROOT,
            "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n<text x=\"10\" y=\"22\""
                + " font-size=\"14\" font-weight=\"bold\">%s</text>%n",
            WIDTH,
            height,
            escape(c.title())));
    // Axis ticks: decades on a log scale, five steps on a linear one.
    int axisY = TOP + bars.size() * (BAR_H + GAP);
    List<Double> ticks = new ArrayList<>();
    if (c.log()) {
      for (double t = lo; t <= hi * 1.0001; t *= 10) {
        ticks.add(t);
      }
    } else {
      for (int i = 0; i <= 5; i++) {
        ticks.add(hi * i / 5);
      }
    }
    for (double t : ticks) {
      double x = LABEL_W + position(t, lo, hi, c.log()) * PLOT_W;
      s.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e2e8f0\"/>%n"
                  + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#4a5568\">%s</text>%n",
              x,
              TOP - 6,
              x,
              axisY,
              x,
              axisY + 16,
              escape(BenchCommand.format(t))));
    }
    s.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#4a5568\">%s%s</text>%n",
            LABEL_W + PLOT_W / 2,
            axisY + 32,
            escape(c.unit()),
            c.log() ? " (log scale)" : ""));
    for (int i = 0; i < bars.size(); i++) {
      Bar b = bars.get(i);
      double v = values.get(i);
      int y = TOP + i * (BAR_H + GAP);
      double w = Math.max(1, position(v, lo, hi, c.log()) * PLOT_W);
      s.append(
          String.format(
              Locale.ROOT,
              "<g class=\"bar\" data-figure=\"%s\" data-value=\"%s\">%n"
                  + "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n"
                  + "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n"
                  + "<text x=\"%.1f\" y=\"%d\">%s %s</text>%n</g>%n",
              escape(b.figure()),
              escape(BenchCommand.format(v)),
              LABEL_W - 8,
              y + 15,
              escape(b.name()),
              LABEL_W,
              y,
              w,
              BAR_H,
              b.colour(),
              LABEL_W + w + 6,
              y + 15,
              escape(BenchCommand.format(v)),
              escape(c.unit())));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  /** Where {@code v} lies between {@code lo} and {@code hi}, 0 to 1. */
  static double position(double v, double lo, double hi, boolean log) {
    double p = log ? (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) : v / hi;
    return Math.min(1, Math.max(0, p));
  }

  /** The smallest of 1, 2 or 5 times a power of ten that is at least {@code v}. */
  static double niceCeiling(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      switch (ch) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&apos;");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
