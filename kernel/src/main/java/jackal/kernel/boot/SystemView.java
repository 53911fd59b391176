package jackal.kernel.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a kernel's objects and capabilities ({@link Kernel#view()}): every process with its
 * state, what it waits for and every capability it holds; every endpoint with its recipient and the
 * senders waiting on it; every GPT and CapPage with its slots; the pages and how much of each holds
 * data; the CPUs' run queues; before boot, the processes the boot starts; and the banks, when
 * whoever serves them was asked ({@link #withBanks}). It is the one model of a system: {@code
 * jackal run --dump} takes it from the running kernel, {@code jackal image show} from a kernel that
 * loaded the image file and was not booted; the same model renders as text ({@link #text()}) and as
 * a Graphviz graph ({@link #dot()}), and feeds the web inspector.
 *
 * <p>Taken while the kernel holds every object's lock at once: one instant of the system, not a
 * series. Null capabilities are left out.
 *
 * @param running whether the CPUs ran when the snapshot was taken
 * @param runList before boot, the processes the boot starts, in order (empty once booted)
 * @param banks the bank tree, prime bank first, each bank before its sub-banks; empty when not
 *     known
 */
public record SystemView(
    boolean running,
    List<ProcessView> processes,
    List<EndpointView> endpoints,
    List<GptView> gpts,
    List<CapPageView> capPages,
    List<PageView> pages,
    List<CpuView> cpus,
    List<String> runList,
    List<BankView> banks) {

  public SystemView {
    processes = List.copyOf(processes);
    endpoints = List.copyOf(endpoints);
    gpts = List.copyOf(gpts);
    capPages = List.copyOf(capPages);
    pages = List.copyOf(pages);
    cpus = List.copyOf(cpus);
    runList = List.copyOf(runList);
    banks = List.copyOf(banks);
  }

  /** This view with the bank tree {@code banks} (learned from the bank's server). */
  public SystemView withBanks(List<BankView> banks) {
    return new SystemView(
        running, processes, endpoints, gpts, capPages, pages, cpus, runList, banks);
  }

  /** How many objects of each kind: {@code 12 objects (3 pages, ...)}. */
  public String summary() {
    int objects =
        processes.size() + endpoints.size() + gpts.size() + capPages.size() + pages.size();
    return objects
        + " objects ("
        + pages.size()
        + " pages, "
        + capPages.size()
        + " capability pages, "
        + gpts.size()
        + " GPTs, "
        + processes.size()
        + " processes, "
        + endpoints.size()
        + " endpoints)";
  }

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
   *     {@code (match << 8) | l2g}
   * @param offset a Window's or LocalWindow's offset, else 0
   * @param root a LocalWindow's root slot, else -1
   * @param valid false if the object was destroyed since the capability was made
   */
  public record CapView(
      String type,
      String targetKind,
      long targetOid,
      String target,
      int restr,
      long word,
      long offset,
      int root,
      boolean valid) {
    /** The guard a Page or CapPage capability has unless given another: match 0, l2g 12. */
    public static final long PAGE_GUARD = 12;

    /** True for the capabilities whose second word is a guard. */
    public boolean guarded() {
      return switch (type) {
        case "Page", "CapPage", "GPT", "Window", "LocalWindow" -> true;
        default -> false;
      };
    }

    /**
     * {@code Entry -> endpoint#3 (pp 5)}, {@code KernLog}, {@code GPT -> gpt#2 (ro, guard 0x3/20)},
     * {@code Window (offset 0x5000, guard 0x0/16)}.
     */
    public String text() {
      StringBuilder b = new StringBuilder(type);
      if (!target.isEmpty()) {
        b.append(" -> ").append(target);
      }
      List<String> notes = new ArrayList<>();
      if (type.equals("Entry") || type.equals("AppNotice")) {
        notes.add((type.equals("Entry") ? "pp " : "mask 0x") + Long.toHexString(word));
      }
      if (type.equals("Window") || type.equals("LocalWindow")) {
        notes.add("offset 0x" + Long.toHexString(offset));
      }
      if (root >= 0) {
        notes.add("root slot " + root);
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
      boolean page = type.equals("Page") || type.equals("CapPage");
      if (guarded() && word != 0 && !(page && word == PAGE_GUARD)) { // a page's own guard: 0/12
        notes.add("guard 0x" + Long.toHexString(word >>> 8) + "/" + (word & 0x7F));
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
   * @param scheduling on cpu, ready or idle; before boot, starts at boot or not started
   * @param pc the program counter it resumes at (a program's entry before boot)
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
      long pc,
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
   * A data page.
   *
   * @param nonZero how many of its 4096 bytes are not zero
   */
  public record PageView(long oid, int nonZero) {}

  /**
   * A bank of the bank tree, as the bank's server knows it.
   *
   * @param endpointOid the OID of the bank's endpoint (the bank's name: {@code bank#OID})
   * @param parentOid the endpoint OID of the bank above it, or -1 for the prime bank
   * @param limits per Range object type (page, cappage, gpt, process, endpoint), -1 for none
   * @param usage per type, what it and the banks below it hold
   * @param owned the objects it owns itself, as {@code page#3}, {@code process#2}, {@code
   *     endpoint#7}
   */
  public record BankView(
      long endpointOid, long parentOid, List<Long> limits, List<Long> usage, List<String> owned) {
    public BankView {
      limits = List.copyOf(limits);
      usage = List.copyOf(usage);
      owned = List.copyOf(owned);
    }

    public String label() {
      return parentOid < 0 ? "prime bank#" + endpointOid : "bank#" + endpointOid;
    }
  }

  /** The Range object types, in the order of {@link BankView#limits()}. */
  public static final List<String> OBJECT_TYPES =
      List.of("page", "cappage", "gpt", "process", "endpoint");

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
    b.append(running ? "system (running): " : "system (not running): ")
        .append(summary())
        .append('\n');
    for (CpuView c : running ? cpus : List.<CpuView>of()) { // before boot no CPU runs anything
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
      b.append(", ").append(p.scheduling()).append(", cpu ").append(p.homeCpu());
      if (p.pc() != 0) {
        b.append(", pc 0x").append(Long.toHexString(p.pc()));
      }
      b.append('\n');
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
      List<Long> all = new ArrayList<>();
      List<Long> data = new ArrayList<>();
      long bytes = 0;
      for (PageView p : pages) {
        all.add(p.oid());
        if (p.nonZero() > 0) {
          data.add(p.oid());
          bytes += p.nonZero();
        }
      }
      b.append("pages: ").append(ranges(all)).append('\n');
      if (!data.isEmpty()) {
        b.append("  holding data: ")
            .append(ranges(data))
            .append(", ")
            .append(bytes)
            .append(" non-zero bytes\n");
      }
    }
    if (!banks.isEmpty()) {
      b.append(
          running
              ? "banks (as the space bank keeps them now):\n"
              : "banks (as the image gives them to the space bank):\n");
    }
    for (BankView k : banks) {
      b.append("  ").append(k.label());
      if (k.parentOid() >= 0) {
        b.append(" (in bank#").append(k.parentOid()).append(')');
      }
      b.append(": usage ").append(counts(k.usage(), false));
      b.append(", limits ").append(counts(k.limits(), true)).append('\n');
      if (!k.owned().isEmpty()) {
        b.append("    owns ").append(owned(k.owned())).append('\n');
      }
    }
    if (!runList.isEmpty()) {
      b.append("starts at boot: ").append(String.join(" ", runList)).append('\n');
    }
    return b.toString();
  }

  /**
   * Per type, {@code 3 page, 1 process}: the counts that are set ({@code limits}: not all ones) or
   * not zero (usage); {@code none} if no count is.
   */
  private static String counts(List<Long> byType, boolean limits) {
    List<String> out = new ArrayList<>();
    for (int t = 0; t < byType.size(); t++) {
      long n = byType.get(t);
      if (limits ? n != -1 : n != 0) {
        out.add(Long.toUnsignedString(n) + " " + OBJECT_TYPES.get(t));
      }
    }
    return out.isEmpty() ? "none" : String.join(", ", out);
  }

  private static void slots(StringBuilder b, List<SlotView> slots) {
    for (SlotView s : slots) {
      b.append("  ").append(s.slot()).append(": ").append(s.cap().text()).append('\n');
    }
  }

  /**
   * What a bank owns, its pages, capability pages and GPTs as ranges ({@code page#0-3, gpt#2}),
   * then its processes and endpoints one by one.
   */
  private String owned(List<String> labels) {
    List<String> out = new ArrayList<>();
    for (String kind : List.of("page", "cappage", "gpt")) {
      List<Long> oids = new ArrayList<>();
      for (String l : labels) {
        if (l.startsWith(kind + "#")) {
          oids.add(Long.parseLong(l.substring(kind.length() + 1)));
        }
      }
      if (!oids.isEmpty()) {
        oids.sort(null);
        out.add(ranges(kind, oids));
      }
    }
    for (String l : labels) {
      if (l.startsWith("process#")) {
        long oid = Long.parseLong(l.substring("process#".length()));
        out.add(
            processes.stream()
                .filter(p -> p.oid() == oid)
                .map(ProcessView::label)
                .findFirst()
                .orElse(l));
      } else if (l.startsWith("endpoint#")) {
        out.add(l);
      }
    }
    return String.join(", ", out);
  }

  /** {@code page#0-3, page#7}: sorted OIDs as ranges. */
  static String ranges(List<Long> oids) {
    return ranges("page", oids);
  }

  /** {@code KIND#0-3, KIND#7 (5)}: sorted OIDs as ranges, and how many. */
  static String ranges(String kind, List<Long> oids) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < oids.size()) {
      int j = i;
      while (j + 1 < oids.size() && oids.get(j + 1) == oids.get(j) + 1) {
        j++;
      }
      out.add(kind + "#" + oids.get(i) + (j > i ? "-" + oids.get(j) : ""));
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
          .append(quote(p.label() + "\n" + (running ? p.state() : p.scheduling())))
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
    for (BankView k : banks) {
      String node = id("bank", k.endpointOid());
      b.append("  ")
          .append(node)
          .append(" [shape=house, label=")
          .append(quote(k.label() + "\nusage " + counts(k.usage(), false)))
          .append("];\n");
      if (k.parentOid() >= 0) {
        b.append("  ")
            .append(id("bank", k.parentOid()))
            .append(" -> ")
            .append(node)
            .append(" [style=bold, label=\"sub-bank\"];\n");
      }
      for (String o : k.owned()) {
        if (o.startsWith("process#") || o.startsWith("endpoint#")) {
          String kind = o.substring(0, o.indexOf('#'));
          long oid = Long.parseLong(o.substring(o.indexOf('#') + 1));
          if (kind.equals("endpoint") && banksByOid(oid)) {
            continue; // a sub-bank's endpoint: the sub-bank edge shows it
          }
          b.append("  ")
              .append(node)
              .append(" -> ")
              .append(id(kind, oid))
              .append(" [style=dotted, arrowhead=none];\n");
        }
      }
    }
    b.append("}\n");
    return b.toString();
  }

  private boolean banksByOid(long endpointOid) {
    for (BankView k : banks) {
      if (k.endpointOid() == endpointOid) {
        return true;
      }
    }
    return false;
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
