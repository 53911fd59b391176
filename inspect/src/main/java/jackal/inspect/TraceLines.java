package jackal.inspect;

import jdk.jfr.consumer.RecordedEvent;

/** The text of one trace line, made from one kernel event. */
final class TraceLines {
  private TraceLines() {}

  static final String SYSTEM_CALL = "jackal.SystemCall";
  static final String LOG = "jackal.Log";
  static final String FAULT_DELIVERY = "jackal.FaultDelivery";

  /** True if process label {@code label} ({@code client#4}) is the one {@code name} names. */
  static boolean isProcess(String label, String name) {
    return label != null && (label.equals(name) || label.startsWith(name + "#"));
  }

  /** The line for {@code e}, or null for events the trace does not show (receives, yields). */
  static String line(RecordedEvent e) {
    return switch (e.getEventType().getName()) {
      case SYSTEM_CALL -> call(e);
      case LOG -> e.getString("process") + ": " + e.getString("text");
      case FAULT_DELIVERY ->
          e.getString("process")
              + " !! fault "
              + e.getString("fault")
              + " (info 0x"
              + Long.toHexString(e.getLong("faultInfo"))
              + ") -> "
              + (e.getString("handler").isEmpty()
                  ? "no handler"
                  : e.getString("handlerKind") + " handler " + e.getString("handler"));
      default -> null;
    };
  }

  private static String call(RecordedEvent e) {
    String kind = e.getString("kind");
    String who = orUnknown(e.getString("process"));
    if (kind == null) {
      return null; // a trap with no parameter block: refused before it began
    }
    if (kind.startsWith("reply")) {
      return who
          + " -> reply to "
          + orUnknown(e.getString("callee"))
          + " [pp "
          + e.getLong("payload")
          + "]";
    }
    if (!kind.equals("call") && !kind.equals("send")) {
      return null;
    }
    StringBuilder b = new StringBuilder(who).append(" -> ");
    String iface = e.getString("interfaceName");
    String capType = e.getString("capType");
    boolean entry = "Entry".equals(capType);
    if (iface != null && !iface.isEmpty()) {
      b.append(iface.substring(iface.lastIndexOf('.') + 1)).append('.');
    } else if (!entry && capType != null) {
      b.append(capType).append('.');
    }
    b.append(e.getString("method")).append("(...)");
    if (entry) {
      b.append(" [ep ")
          .append(e.getLong("endpointId"))
          .append(", pp ")
          .append(e.getLong("payload"))
          .append(']');
      String callee = e.getString("callee");
      if (callee != null && !callee.isEmpty()) {
        b.append(" at ").append(callee);
      }
    }
    if (kind.equals("send")) {
      return b.append(" (sent)").toString();
    }
    return b.append(" = ")
        .append(e.getString("result"))
        .append(' ')
        .append(e.getDuration().toNanos())
        .append(" ns")
        .toString();
  }

  private static String orUnknown(String s) {
    return s == null || s.isEmpty() ? "?" : s;
  }
}
