package jackal.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.SystemView.BankView;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The inspector's HTTP side, without a browser. */
class InspectorTest {
  /** An answer: status, content type and body. */
  record Answer(int statusCode, String type, String body) {}

  private static Answer request(URI uri, String method) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(10_000);
    c.setReadTimeout(10_000);
    if (method.equals("POST")) {
      c.setDoOutput(true);
      c.getOutputStream().write('x');
    }
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Answer(status, c.getContentType(), body);
    } finally {
      c.disconnect();
    }
  }

  private static Answer get(URI uri) throws IOException {
    return request(uri, "GET");
  }

  @Test
  void theViewListsTheProcessesAndEndpointsOfTheRunningImage() throws Exception {
    try (Kernel k = Images.pingPong();
        Inspector i = Inspector.start(k, 0)) {
      Answer r = get(i.uri().resolve("api/view"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.type()).isEqualTo("application/json");
      assertThat(r.body())
          .contains("\"label\":\"ponger#0\"")
          .contains("\"label\":\"pinger#1\"")
          .contains("\"label\":\"deaf#2\"")
          .contains("\"label\":\"stuck#3\"")
          .contains("\"endpointId\":42");
    }
  }

  @Test
  void theTimelineGrowsWhileTheSystemRuns() throws Exception {
    try (Kernel k = Images.pingPong();
        Inspector i = Inspector.start(k, 0)) {
      long first = 0;
      for (int n = 0; n < 100 && first == 0; n++) {
        Thread.sleep(50);
        first = last(get(i.uri().resolve("api/timeline?after=0")).body());
      }
      assertThat(first).as("calls seen in 5 s").isPositive();
      long later = first;
      for (int n = 0; n < 100 && later == first; n++) {
        Thread.sleep(50);
        later = last(get(i.uri().resolve("api/timeline?after=" + first)).body());
      }
      assertThat(later).isGreaterThan(first);
      // JSON escapes '>' (the page is HTML's neighbour), so the line reads "-\u003e".
      assertThat(get(i.uri().resolve("api/timeline?after=0")).body())
          .contains("\"process\":\"pinger#1\",\"callee\":\"ponger#0\",\"capType\":\"Entry\"")
          .contains("pinger#1 -\\u003e op 0x1(...) [ep 42, pp 3] at ponger#0 = OK");
    }
  }

  private static long last(String json) {
    int at = json.indexOf("\"last\":") + "\"last\":".length();
    int end = json.indexOf(',', at);
    return Long.parseLong(json.substring(at, end));
  }

  @Test
  void eachViewServedIsCompletedAsTheStarterAsked() throws Exception {
    // What jackal run --inspect adds from the services (BankTree): here a bank tree given by hand.
    BankView bank =
        new BankView(
            0,
            -1,
            List.of(-1L, -1L, -1L, 4L, -1L),
            List.of(0L, 0L, 0L, 1L, 0L),
            List.of("process#0"));
    try (Kernel k = Images.pingPong();
        Inspector i = Inspector.start(k, 0, v -> v.withBanks(List.of(bank)))) {
      assertThat(get(i.uri().resolve("api/view")).body())
          .contains(
              "\"banks\":[{\"endpointOid\":0,\"label\":\"prime bank#0\",\"parentOid\":-1,"
                  + "\"limits\":[null,null,null,4,null],\"usage\":[0,0,0,1,0],"
                  + "\"owned\":[\"process#0\"]}]");
      assertThat(get(i.uri().resolve("api/graph.dot")).body())
          .contains("bank_0 [shape=house, label=\"prime bank#0\\nusage 1 process\"]")
          .contains("bank_0 -> process_0 [style=dotted, arrowhead=none]");
    }
  }

  @Test
  void aSystemWithoutABankServesAnEmptyBankTree() throws Exception {
    try (Kernel k = Images.pingPong();
        Inspector i = Inspector.start(k, 0)) {
      assertThat(get(i.uri().resolve("api/view")).body()).contains("\"banks\":[]");
    }
  }

  @Test
  void theGraphIsServedAsDot() throws Exception {
    try (Kernel k = Images.pingPong();
        Inspector i = Inspector.start(k, 0)) {
      Answer r = get(i.uri().resolve("api/graph.dot"));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).startsWith("digraph jackal {").contains("process_3 -> endpoint_1");
    }
  }

  @Test
  void theInspectorListensOnTheLoopbackAddressOnly() throws Exception {
    try (Kernel k = Images.pingPong();
        Inspector i = Inspector.start(k, 0)) {
      assertThat(i.uri().getHost()).isEqualTo("127.0.0.1");
      for (var nic : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
        for (var a : java.util.Collections.list(nic.getInetAddresses())) {
          if (a.isLoopbackAddress()) {
            continue;
          }
          try (var s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(a, i.uri().getPort()), 500);
            throw new AssertionError("the inspector answered on " + a);
          } catch (java.io.IOException refused) {
            // as it should
          }
        }
      }
    }
  }

  @Test
  void aRequestNamingAnotherHostIsRefused() throws Exception {
    // What a page on another site would send through this machine's browser after pointing its
    // own name at 127.0.0.1 (DNS rebinding).
    try (Kernel k = Images.pingPong();
        Inspector i = Inspector.start(k, 0);
        var s = new java.net.Socket("127.0.0.1", i.uri().getPort())) {
      s.getOutputStream()
          .write(
              "GET /api/view HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n"
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      String answer =
          new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(answer).startsWith("HTTP/1.1 403").doesNotContain("ponger");
    }
  }

  @Test
  void onlyGetIsServed() throws Exception {
    try (Kernel k = Images.pingPong();
        Inspector i = Inspector.start(k, 0)) {
      assertThat(request(i.uri().resolve("api/view"), "POST").statusCode()).isEqualTo(405);
    }
  }
}
