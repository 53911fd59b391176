package jackal.inspect;

import java.io.PrintStream;
import java.time.Duration;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/**
 * {@code jackal run --trace}: one readable line per invocation, from the kernel's JFR events
 * streamed while the system runs ({@code client#1 -> KernLog.log(...) = OK 1040 ns}), the lines
 * programs write to the kernel log tagged with their writer, and every fault delivered.
 *
 * <p>The trace is a JFR recording: while it runs, the kernel's event hooks are on (their cost is in
 * docs/BENCHMARKS.md); a call still waiting when the trace closes has no line.
 */
public final class Trace implements AutoCloseable {
  private final RecordingStream stream;

  private Trace(RecordingStream stream) {
    this.stream = stream;
  }

  /**
   * Starts tracing to {@code out}. {@code process} (a process name, or name#oid) and {@code iface}
   * (a CapIDL interface, simple or qualified name) filter the lines; null for all.
   */
  public static Trace start(PrintStream out, String process, String iface) {
    Filter filter = new Filter(process, iface);
    RecordingStream rs = new RecordingStream();
    rs.enable(TraceLines.SYSTEM_CALL);
    rs.enable(TraceLines.LOG);
    rs.enable(TraceLines.FAULT_DELIVERY);
    rs.setMaxAge(Duration.ofSeconds(10));
    rs.onEvent(
        e -> {
          if (filter.accepts(e)) {
            String line = TraceLines.line(e);
            if (line != null) {
              out.println(line);
            }
          }
        });
    rs.startAsync();
    return new Trace(rs);
  }

  /** Delivers every event committed so far, then ends the trace. */
  @Override
  public void close() {
    stream.stop();
    stream.close();
  }

  /** Which events a trace prints. */
  record Filter(String process, String iface) {
    boolean accepts(RecordedEvent e) {
      if (process != null && !TraceLines.isProcess(e.getString("process"), process)) {
        return false;
      }
      if (iface != null) {
        if (!e.getEventType().getName().equals(TraceLines.SYSTEM_CALL)) {
          return false;
        }
        String i = e.getString("interfaceName");
        return i != null
            && (i.equalsIgnoreCase(iface) || i.toLowerCase().endsWith("." + iface.toLowerCase()));
      }
      return true;
    }
  }
}
