package jackal.inspect;

import jackal.kernel.boot.SystemView;
import jackal.kernel.boot.SystemView.BankView;
import jackal.kernel.boot.SystemView.CapPageView;
import jackal.kernel.boot.SystemView.CapView;
import jackal.kernel.boot.SystemView.CpuView;
import jackal.kernel.boot.SystemView.EndpointView;
import jackal.kernel.boot.SystemView.GptView;
import jackal.kernel.boot.SystemView.ProcessView;
import jackal.kernel.boot.SystemView.SlotView;
import java.util.List;

/** The inspector's JSON, written by hand: the model is small and fixed. */
final class Json {
  private Json() {}

  static String view(SystemView v) {
    StringBuilder b = new StringBuilder("{\"running\":").append(v.running());
    b.append(",\"cpus\":[");
    sep(b, v.cpus(), (x, c) -> cpu(x, c));
    b.append("],\"processes\":[");
    sep(b, v.processes(), Json::process);
    b.append("],\"endpoints\":[");
    sep(b, v.endpoints(), Json::endpoint);
    b.append("],\"gpts\":[");
    sep(b, v.gpts(), Json::gpt);
    b.append("],\"capPages\":[");
    sep(b, v.capPages(), Json::capPage);
    b.append("],\"pages\":").append(v.pages().size());
    b.append(",\"runList\":");
    strings(b, v.runList());
    b.append(",\"banks\":[");
    sep(b, v.banks(), Json::bank);
    b.append("]}");
    return b.toString();
  }

  private static void bank(StringBuilder b, BankView k) {
    b.append("{\"endpointOid\":").append(k.endpointOid()).append(",\"label\":");
    str(b, k.label());
    b.append(",\"parentOid\":").append(k.parentOid()).append(",\"limits\":[");
    sep(b, k.limits(), (x, n) -> x.append(n == -1 ? "null" : Long.toUnsignedString(n)));
    b.append("],\"usage\":[");
    sep(b, k.usage(), (x, n) -> x.append(Long.toUnsignedString(n)));
    b.append("],\"owned\":");
    strings(b, k.owned());
    b.append('}');
  }

  private static void cpu(StringBuilder b, CpuView c) {
    b.append("{\"id\":").append(c.id()).append(",\"running\":");
    str(b, c.running());
    b.append(",\"ready\":");
    strings(b, c.ready());
    b.append('}');
  }

  private static void process(StringBuilder b, ProcessView p) {
    b.append("{\"oid\":").append(p.oid()).append(",\"label\":");
    str(b, p.label());
    b.append(",\"state\":");
    str(b, p.state());
    b.append(",\"fault\":");
    str(b, p.fault());
    b.append(",\"faultInfo\":").append(p.faultInfo()).append(",\"waitsFor\":");
    str(b, p.waitsFor());
    b.append(",\"senders\":");
    strings(b, p.senders());
    b.append(",\"homeCpu\":").append(p.homeCpu()).append(",\"scheduling\":");
    str(b, p.scheduling());
    b.append(",\"slots\":[");
    sep(b, p.slots(), Json::slot);
    b.append("]}");
  }

  private static void endpoint(StringBuilder b, EndpointView e) {
    b.append("{\"oid\":").append(e.oid()).append(",\"label\":");
    str(b, e.label());
    b.append(",\"endpointId\":").append(e.endpointId());
    b.append(",\"payload\":").append(e.payload());
    b.append(",\"payloadMatch\":").append(e.payloadMatch()).append(",\"recipient\":");
    str(b, e.recipient());
    b.append(",\"recipientOid\":").append(e.recipientOid()).append(",\"waiting\":");
    strings(b, e.waiting());
    b.append('}');
  }

  private static void gpt(StringBuilder b, GptView g) {
    b.append("{\"oid\":").append(g.oid()).append(",\"l2v\":").append(g.l2v());
    b.append(",\"slots\":[");
    sep(b, g.slots(), Json::slot);
    b.append("]}");
  }

  private static void capPage(StringBuilder b, CapPageView c) {
    b.append("{\"oid\":").append(c.oid()).append(",\"slots\":[");
    sep(b, c.slots(), Json::slot);
    b.append("]}");
  }

  private static void slot(StringBuilder b, SlotView s) {
    CapView c = s.cap();
    b.append("{\"slot\":");
    str(b, s.slot());
    b.append(",\"type\":");
    str(b, c.type());
    b.append(",\"targetKind\":");
    str(b, c.targetKind());
    b.append(",\"targetOid\":").append(c.targetOid()).append(",\"target\":");
    str(b, c.target());
    b.append(",\"valid\":").append(c.valid()).append(",\"text\":");
    str(b, c.text());
    b.append('}');
  }

  interface Writer<T> {
    void write(StringBuilder b, T t);
  }

  static <T> void sep(StringBuilder b, List<T> items, Writer<T> w) {
    for (int i = 0; i < items.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      w.write(b, items.get(i));
    }
  }

  static void strings(StringBuilder b, List<String> items) {
    b.append('[');
    sep(b, items, Json::str);
    b.append(']');
  }

  /** A JSON string; control characters and anything outside ASCII escaped. */
  static void str(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append('"');
  }
}
