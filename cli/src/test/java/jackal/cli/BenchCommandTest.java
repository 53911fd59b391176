package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void defaultLabelIsClassWithoutSuffixDotMethod() {
        assertThat(BenchCommand.defaultLabel("jackal.bench.IpcBenchmark.callReply")).isEqualTo("ipc.callReply");
        assertThat(BenchCommand.defaultLabel("jackal.bench.MemoryBench.alloc")).isEqualTo("memory.alloc");
        assertThat(BenchCommand.defaultLabel("jackal.bench.Stubs.call")).isEqualTo("stubs.call");
    }

    @Test
    void parsesJmhJson() {
        String json = """
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
        assertThat(figures).extracting(BenchCommand.Figure::line)
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
            assertThat(BenchCommand.derive(byLabel)).extracting(BenchCommand.Figure::line)
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
}
