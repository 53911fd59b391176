package jackal.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.KernelConfig;
import jackal.runtime.DefaultImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code jackal run --trace} of the built-in image (a client calling an increment server). */
class TraceTest {

  /** The trace of one run of the default image, with durations replaced by {@code N}. */
  private static List<String> traceOfDefaultImage(String process, String iface) throws Exception {
    ByteArrayOutputStream traced = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(traced, true, StandardCharsets.UTF_8);
    PrintStream console =
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    try (Trace t = Trace.start(out, process, iface)) {
      int code = DefaultImage.boot(null, KernelConfig.defaults().withCpus(1).withConsole(console));
      assertThat(code).isZero();
    }
    return traced
        .toString(StandardCharsets.UTF_8)
        .lines()
        .map(l -> l.replaceAll(" \\d+ ns$", " N ns"))
        .toList();
  }

  @Test
  void theClientsCallsAreTracedInOrderWithEndpointPayloadResultAndDuration() throws Exception {
    List<String> client =
        traceOfDefaultImage(null, null).stream().filter(l -> l.startsWith("client#1 -> ")).toList();
    String call = "client#1 -> op 0x1(...) [ep 42, pp 7] at server#0 = OK N ns";
    String log = "client#1 -> KernLog.log(...) = OK N ns";
    // The halt never returns, so it has no line.
    assertThat(client).containsExactly(call, log, call, log, call, log, log);
  }

  @Test
  void logLinesAreTaggedWithTheProcessThatWroteThem() throws Exception {
    List<String> lines = traceOfDefaultImage(null, null);
    assertThat(lines)
        .contains(
            "server#0: server: ready",
            "client#1: client: reply 1",
            "client#1: client: reply 3",
            "client#1: client: done after 3 calls; halting");
  }

  @Test
  void theServersRepliesAreTracedAsReplies() throws Exception {
    assertThat(traceOfDefaultImage(null, null)).contains("server#0 -> reply to client#1 [pp 0]");
  }

  @Test
  void aProcessFilterKeepsOnlyThatProcess() throws Exception {
    List<String> lines = traceOfDefaultImage("server", null);
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("server#0"));
  }

  @Test
  void anInterfaceFilterKeepsOnlyCallsOfThatInterface() throws Exception {
    List<String> lines = traceOfDefaultImage(null, "KernLog");
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).contains(" -> KernLog.log(...)"));
    assertThat(lines).filteredOn(l -> l.startsWith("client#1")).hasSize(4);
  }
}
