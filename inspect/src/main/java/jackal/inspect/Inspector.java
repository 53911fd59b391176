package jackal.inspect;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.SystemView;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * {@code jackal run --inspect}: a web inspector of a running system, served by the JDK's HttpServer
 * on the loopback address only. A static page (plain JavaScript and SVG, nothing fetched from
 * elsewhere) polls three JSON endpoints:
 *
 * <ul>
 *   <li>{@code /api/view}: the {@link jackal.kernel.boot.SystemView} of the kernel, taken afresh
 *       for each request (one consistent snapshot);
 *   <li>{@code /api/timeline?after=N}: the invocations completed since event {@code N} (the last
 *       {@value #KEEP} are kept), from the kernel's JFR events streamed while the inspector runs;
 *   <li>{@code /api/graph.dot}: the capability graph in Graphviz DOT.
 * </ul>
 *
 * Requests whose Host header is not this machine's loopback name are refused, so a web page
 * elsewhere cannot read the system through a browser on this machine (DNS rebinding).
 */
public final class Inspector implements AutoCloseable {
  /** Timeline entries kept for the page. */
  static final int KEEP = 2000;

  private final Kernel kernel;
  private final HttpServer server;
  private final ExecutorService executor;
  private final RecordingStream stream;
  private final long startEpochMillis = System.currentTimeMillis();
  private final ArrayDeque<String> timeline = new ArrayDeque<>();
  private long seq;

  /** What is added to the kernel's view before it is served (the bank tree, from the services). */
  private final UnaryOperator<SystemView> complete;

  private Inspector(Kernel kernel, int port, UnaryOperator<SystemView> complete)
      throws IOException {
    this.kernel = kernel;
    this.complete = complete;
    this.server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    this.executor = Executors.newFixedThreadPool(2, r -> Thread.ofPlatform().daemon().unstarted(r));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    this.stream = new RecordingStream();
    stream.enable(TraceLines.SYSTEM_CALL);
    stream.setMaxAge(Duration.ofSeconds(10));
    stream.onEvent(TraceLines.SYSTEM_CALL, this::record);
  }

  /**
   * Starts an inspector of {@code running} (the handle {@code Kernel.boot()} returned) on {@code
   * port} of the loopback address; 0 picks a free port.
   */
  public static Inspector start(Kernel running, int port) throws IOException {
    return start(running, port, UnaryOperator.identity());
  }

  /**
   * As {@link #start(Kernel, int)}, serving each view of the system as {@code complete} completes
   * it (e.g. with the bank tree, which the kernel does not know: {@code
   * jackal.services.boot.BankTree}).
   */
  public static Inspector start(Kernel running, int port, UnaryOperator<SystemView> complete)
      throws IOException {
    Inspector i = new Inspector(running, port, complete);
    i.stream.startAsync();
    i.server.start();
    return i;
  }

  /** The page's address. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    stream.close();
  }

  // ------------------------------------------------------------------ the timeline

  private void record(RecordedEvent e) {
    String kind = e.getString("kind");
    if (!"call".equals(kind) && !"send".equals(kind)) {
      return; // replies and receives are the other half of a call already shown
    }
    StringBuilder b = new StringBuilder("{\"seq\":");
    synchronized (timeline) {
      b.append(++seq);
      b.append(",\"atMs\":")
          .append((e.getStartTime().toEpochMilli() - startEpochMillis))
          .append(",\"ns\":")
          .append(e.getDuration().toNanos())
          .append(",\"cpu\":")
          .append(e.getInt("cpu"))
          .append(",\"process\":");
      Json.str(b, nz(e.getString("process")));
      b.append(",\"callee\":");
      Json.str(b, nz(e.getString("callee")));
      b.append(",\"capType\":");
      Json.str(b, nz(e.getString("capType")));
      b.append(",\"method\":");
      String iface = nz(e.getString("interfaceName"));
      Json.str(
          b,
          (iface.isEmpty() ? "" : iface.substring(iface.lastIndexOf('.') + 1) + ".")
              + nz(e.getString("method")));
      b.append(",\"result\":");
      Json.str(b, nz(e.getString("result")));
      b.append(",\"line\":");
      Json.str(b, nz(TraceLines.line(e)));
      b.append('}');
      timeline.addLast(b.toString());
      if (timeline.size() > KEEP) {
        timeline.removeFirst();
      }
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  String timelineAfter(long after) {
    List<String> out = new ArrayList<>();
    long last;
    synchronized (timeline) {
      last = seq;
      long first = seq - timeline.size() + 1;
      long i = first;
      for (String s : timeline) {
        if (i > after) {
          out.add(s);
        }
        i++;
      }
    }
    return "{\"last\":" + last + ",\"events\":[" + String.join(",", out) + "]}";
  }

  // ------------------------------------------------------------------ HTTP

  private void handle(HttpExchange x) throws IOException {
    try (x) {
      if (!"GET".equals(x.getRequestMethod())) {
        send(x, 405, "text/plain", "GET only");
        return;
      }
      String host = x.getRequestHeaders().getFirst("Host");
      if (host == null || !(host.startsWith("127.0.0.1:") || host.startsWith("localhost:"))) {
        send(x, 403, "text/plain", "this inspector answers to 127.0.0.1 and localhost only");
        return;
      }
      String path = x.getRequestURI().getPath();
      switch (path) {
        case "/", "/index.html" -> resource(x, "index.html", "text/html; charset=utf-8");
        case "/inspector.js" -> resource(x, "inspector.js", "text/javascript; charset=utf-8");
        case "/api/view" ->
            send(x, 200, "application/json", Json.view(complete.apply(kernel.view())));
        case "/api/graph.dot" ->
            send(x, 200, "text/vnd.graphviz", complete.apply(kernel.view()).dot());
        case "/api/timeline" -> send(x, 200, "application/json", timelineAfter(after(x)));
        default -> send(x, 404, "text/plain", "not found");
      }
    } catch (RuntimeException e) {
      // A view of a kernel that stopped, a bad query: the page shows the status and goes on.
      send(x, 500, "text/plain", String.valueOf(e.getMessage()));
    }
  }

  private static long after(HttpExchange x) {
    String q = x.getRequestURI().getQuery();
    if (q != null && q.startsWith("after=")) {
      try {
        return Long.parseLong(q.substring("after=".length()));
      } catch (NumberFormatException e) {
        return 0;
      }
    }
    return 0;
  }

  private static void resource(HttpExchange x, String name, String type) throws IOException {
    try (InputStream in = Inspector.class.getResourceAsStream(name)) {
      if (in == null) {
        send(x, 404, "text/plain", "missing " + name);
        return;
      }
      sendBytes(x, 200, type, in.readAllBytes());
    }
  }

  private static void send(HttpExchange x, int status, String type, String body) {
    try {
      sendBytes(x, status, type, body.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sendBytes(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    x.getResponseHeaders().set("Content-Type", type);
    x.getResponseHeaders().set("Cache-Control", "no-store");
    x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    x.sendResponseHeaders(status, body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }
}
