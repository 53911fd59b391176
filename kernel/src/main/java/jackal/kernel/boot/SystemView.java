package jackal.kernel.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a kernel's objects and capabilities ({@link Kernel#view()}): every process with its
 * state, what it waits for and every capability it holds; every endpoint with its recipient and the
 * senders waiting on it; every GPT and CapPage with its slots; the pages; the CPUs' run queues. The
 * same model renders as text ({@link #text()}, what {@code jackal run --dump} prints) and as a
 * Graphviz graph ({@link #dot()}), and feeds the web inspector.
 *
 * <p>Taken while the kernel holds every object's lock at once: one instant of the system, not a
 * series. Null capabilities are left out.
 *
 * @param running whether the CPUs ran when the snapshot was taken
 */
public record SystemView(
    boolean running,
    List<ProcessView> processes,
    List<EndpointView> endpoints,
    List<GptView> gpts,
    List<CapPageView> capPages,
    List<Long> pages,
    List<CpuView> cpus) {

  /**
   * A capability as a slot holds it.
   *
   * @param type the capability type (Entry, Process, GPT, KernLog, ...)
   * @param targetKind the object type it names (endpoint, process, gpt, cappage, page), or empty
   *     for a capability that names no object
   * @param targetOid the OID of that object, or -1
   * @param target how the object is called (a process's name, {@code endpoint#3}), or empty
   * @param restr restriction bits
   * @param word the capability's second word: an Entry's payload, a memory capability's guard
   * @param valid false if the object was destroyed since the capability was made
   */
  public record CapView(
      String type,
      String targetKind,
      long targetOid,
      String target,
      int restr,
      long word,
      boolean valid) {
    /** {@code Entry -> endpoint#3 (pp 5)}, {@code KernLog}, {@code GPT -> gpt#2 (ro)}. */
    public String text() {
      StringBuilder b = new StringBuilder(type);
      if (!target.isEmpty()) {
        b.append(" -> ").append(target);
      }
      List<String> notes = new ArrayList<>();
      if (type.equals("Entry") || type.equals("AppNotice")) {
        notes.add((type.equals("Entry") ? "pp " : "mask 0x") + Long.toHexString(word));
      }
      if ((restr & 0x01) != 0) {
        notes.add("weak");
      }
      if ((restr & 0x02) != 0) {
        notes.add("ro");
      }
      if ((restr & 0x04) != 0) {
        notes.add("nx");
      }
      if ((restr & 0x08) != 0) {
        notes.add("opaque");
      }
      if ((restr & 0x10) != 0) {
        notes.add(type.equals("Process") ? "restart" : "nc");
      }
      if (!valid) {
        notes.add("invalid");
      }
      if (!notes.isEmpty()) {
        b.append(" (").append(String.join(", ", notes)).append(')');
      }
      return b.toString();
    }
  }

  /** A capability slot: {@code reg 8}, {@code space}, {@code handler}, {@code slot 3}. */
  public record SlotView(String slot, CapView cap) {}

  /**
   * A process.
   *
   * @param label its name and OID, as logs print it ({@code client#4})
   * @param state running, receiving, faulted or exited
   * @param fault the fault it holds, or empty
   * @param waitsFor what it waits for, or empty
   * @param senders processes waiting for it to receive
   * @param scheduling on cpu, ready or idle
   */
  public record ProcessView(
      long oid,
      String label,
      String state,
      String fault,
      long faultInfo,
      String waitsFor,
      List<String> senders,
      int homeCpu,
      String scheduling,
      List<SlotView> slots) {}

  /**
   * An endpoint.
   *
   * @param recipient the label of its recipient process, or empty
   * @param waiting senders waiting because it has no recipient
   */
  public record EndpointView(
      long oid,
      long endpointId,
      long payload,
      boolean payloadMatch,
      String recipient,
      long recipientOid,
      List<String> waiting) {
    public String label() {
      return "endpoint#" + oid;
    }
  }

  /** A GPT and its slots. */
  public record GptView(long oid, int l2v, boolean ha, boolean bg, List<SlotView> slots) {}

  /** A capability page and its non-null slots. */
  public record CapPageView(long oid, List<SlotView> slots) {}

  /**
   * A CPU.
   *
   * @param running the label of the process on it, or empty
   * @param ready the labels in its ready queue, front first
   */
  public record CpuView(int id, String running, List<String> ready) {}

  // ------------------------------------------------------------------ text

  /** Every object and capability, one block per object. */
  public String text() {
    StringBuilder b = new StringBuilder();
    b.append(running ? "system (running)\n" : "system (not running)\n");
    for (CpuView c : cpus) {
      b.append("cpu ").append(c.id()).append(": ");
      b.append(c.running().isEmpty() ? "idle" : "running " + c.running());
      if (!c.ready().isEmpty()) {
        b.append(", ready ").append(String.join(" ", c.ready()));
      }
      b.append('\n');
    }
    for (ProcessView p : processes) {
      b.append("process ").append(p.label()).append(": ").append(p.state());
      if (!p.fault().isEmpty()) {
        b.append(", fault ")
            .append(p.fault())
            .append(" (info 0x")
            .append(Long.toHexString(p.faultInfo()))
            .append(')');
      }
      b.append(", ").append(p.scheduling()).append(", cpu ").append(p.homeCpu()).append('\n');
      if (!p.waitsFor().isEmpty()) {
        b.append("  waits for ").append(p.waitsFor()).append('\n');
      }
      if (!p.senders().isEmpty()) {
        b.append("  senders waiting: ").append(String.join(" ", p.senders())).append('\n');
      }
      slots(b, p.slots());
    }
    for (EndpointView e : endpoints) {
      b.append(e.label())
          .append(": id ")
          .append(e.endpointId())
          .append(", recipient ")
          .append(e.recipient().isEmpty() ? "none" : e.recipient())
          .append(e.payloadMatch() ? ", payload match at " + e.payload() : "")
          .append('\n');
      if (!e.waiting().isEmpty()) {
        b.append("  senders waiting: ").append(String.join(" ", e.waiting())).append('\n');
      }
    }
    for (GptView g : gpts) {
      b.append("gpt#")
          .append(g.oid())
          .append(": l2v ")
          .append(g.l2v())
          .append(g.ha() ? ", ha" : "")
          .append(g.bg() ? ", bg" : "")
          .append('\n');
      slots(b, g.slots());
    }
    for (CapPageView c : capPages) {
      b.append("cappage#").append(c.oid()).append('\n');
      slots(b, c.slots());
    }
    if (!pages.isEmpty()) {
      b.append("pages: ").append(ranges(pages)).append('\n');
    }
    return b.toString();
  }

  private static void slots(StringBuilder b, List<SlotView> slots) {
    for (SlotView s : slots) {
      b.append("  ").append(s.slot()).append(": ").append(s.cap().text()).append('\n');
    }
  }

  /** {@code page#0-3, page#7}: sorted OIDs as ranges. */
  static String ranges(List<Long> oids) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < oids.size()) {
      int j = i;
      while (j + 1 < oids.size() && oids.get(j + 1) == oids.get(j) + 1) {
        j++;
      }
      out.add("page#" + oids.get(i) + (j > i ? "-" + oids.get(j) : ""));
      i = j + 1;
    }
    return String.join(", ", out) + " (" + oids.size() + ")";
  }

  // ------------------------------------------------------------------ graph

  /**
   * The capability graph in Graphviz DOT: processes (boxes) and endpoints (ellipses) with an edge
   * for each capability naming one (labelled with its slot) and from each endpoint to its
   * recipient; each process's address space as one node that counts the GPTs and pages under it;
   * each kind of kernel capability as one shared node.
   */
  public String dot() {
    StringBuilder b = new StringBuilder("digraph jackal {\n  rankdir=LR;\n");
    b.append("  node [fontname=\"Helvetica\", fontsize=10];\n");
    b.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    Map<String, String> services = new LinkedHashMap<>();
    for (ProcessView p : processes) {
      b.append("  ")
          .append(id("process", p.oid()))
          .append(" [shape=box, label=")
          .append(quote(p.label() + "\n" + p.state()))
          .append(p.fault().isEmpty() ? "" : ", color=red")
          .append("];\n");
    }
    for (EndpointView e : endpoints) {
      b.append("  ")
          .append(id("endpoint", e.oid()))
          .append(" [shape=ellipse, label=")
          .append(quote(e.label() + "\nid " + e.endpointId()))
          .append("];\n");
      if (e.recipientOid() >= 0) {
        b.append("  ")
            .append(id("endpoint", e.oid()))
            .append(" -> ")
            .append(id("process", e.recipientOid()))
            .append(" [style=dashed, label=\"recipient\"];\n");
      }
    }
    Map<Long, GptView> gptByOid = new LinkedHashMap<>();
    for (GptView g : gpts) {
      gptByOid.put(g.oid(), g);
    }
    for (ProcessView p : processes) {
      for (SlotView s : p.slots()) {
        CapView c = s.cap();
        String to;
        switch (c.targetKind()) {
          case "process" -> to = id("process", c.targetOid());
          case "endpoint" -> to = id("endpoint", c.targetOid());
          case "gpt", "page", "cappage" -> {
            to = id("space_" + c.targetKind(), c.targetOid());
            if (!services.containsKey(to)) {
              int[] counts = reach(c, gptByOid);
              services.put(
                  to,
                  "shape=folder, label="
                      + quote(c.target() + "\n" + counts[0] + " GPTs, " + counts[1] + " pages"));
            }
          }
          case "" -> {
            to = "svc_" + c.type();
            services.putIfAbsent(to, "shape=diamond, label=" + quote(c.type()));
          }
          default -> to = null;
        }
        if (to == null) {
          continue;
        }
        b.append("  ")
            .append(id("process", p.oid()))
            .append(" -> ")
            .append(to)
            .append(" [label=")
            .append(quote(s.slot() + (c.type().equals("Entry") ? " pp " + c.word() : "")))
            .append(c.valid() ? "" : ", color=gray")
            .append("];\n");
      }
    }
    for (Map.Entry<String, String> s : services.entrySet()) {
      b.append("  ").append(s.getKey()).append(" [").append(s.getValue()).append("];\n");
    }
    b.append("}\n");
    return b.toString();
  }

  /** GPTs and page capabilities under memory capability {@code c} (each GPT counted once). */
  private static int[] reach(CapView c, Map<Long, GptView> gpts) {
    int[] counts = new int[2];
    java.util.Set<Long> seen = new java.util.HashSet<>();
    java.util.ArrayDeque<CapView> todo = new java.util.ArrayDeque<>(List.of(c));
    while (!todo.isEmpty()) {
      CapView x = todo.pop();
      if (x.targetKind().equals("page")) {
        counts[1]++;
      } else if (x.targetKind().equals("gpt") && seen.add(x.targetOid())) {
        counts[0]++;
        GptView g = gpts.get(x.targetOid());
        if (g != null) {
          for (SlotView s : g.slots()) {
            todo.push(s.cap());
          }
        }
      }
    }
    return counts;
  }

  private static String id(String kind, long oid) {
    return kind + "_" + oid;
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }
}
