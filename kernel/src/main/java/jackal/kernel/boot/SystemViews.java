package jackal.kernel.boot;

import jackal.kernel.api.CapType;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.boot.SystemView.CapPageView;
import jackal.kernel.boot.SystemView.CapView;
import jackal.kernel.boot.SystemView.CpuView;
import jackal.kernel.boot.SystemView.EndpointView;
import jackal.kernel.boot.SystemView.GptView;
import jackal.kernel.boot.SystemView.PageView;
import jackal.kernel.boot.SystemView.ProcessView;
import jackal.kernel.boot.SystemView.SlotView;
import jackal.kernel.cap.Capability;
import jackal.kernel.invoke.Machine;
import jackal.kernel.obj.CapPage;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObType;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.Cpu;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds a {@link SystemView} from kernel objects whose locks the caller holds. */
final class SystemViews {
  private SystemViews() {}

  /**
   * The view of {@code objects} (sorted by type, then OID); {@code toStart} is the boot's run list
   * while the kernel is not booted, empty after.
   */
  static SystemView of(
      List<KObject> objects, Machine machine, boolean running, List<ObjectRef> toStart) {
    Set<KObject> starts = new HashSet<>();
    List<String> runList = new ArrayList<>();
    for (ObjectRef r : toStart) {
      starts.add(r.object);
      runList.add(r.object.toString());
    }
    List<ProcessView> processes = new ArrayList<>();
    List<EndpointView> endpoints = new ArrayList<>();
    List<GptView> gpts = new ArrayList<>();
    List<CapPageView> capPages = new ArrayList<>();
    List<PageView> pages = new ArrayList<>();
    for (KObject o : objects) {
      if (o.isRetired()) {
        continue;
      }
      switch (o) {
        case Process p -> processes.add(process(p, running, starts.contains(p)));
        case Endpoint e -> endpoints.add(endpoint(e));
        case Gpt g -> {
          List<SlotView> slots = new ArrayList<>();
          for (int i = 0; i < Gpt.SLOTS; i++) {
            add(slots, "slot " + i, g.slots[i]);
          }
          gpts.add(new GptView(g.oid, g.l2v, g.ha, g.bg, slots));
        }
        case CapPage c -> {
          List<SlotView> slots = new ArrayList<>();
          for (int i = 0; i < CapPage.SLOTS; i++) {
            add(slots, "slot " + i, c.slots[i]);
          }
          capPages.add(new CapPageView(c.oid, slots));
        }
        case Page p -> {
          int nonZero = 0;
          for (byte x : p.bytes) {
            if (x != 0) {
              nonZero++;
            }
          }
          pages.add(new PageView(p.oid, nonZero));
        }
        default -> throw new IllegalStateException("unknown object " + o);
      }
    }
    List<CpuView> cpus = new ArrayList<>();
    for (int i = 0; i < machine.scheduler.cpuCount(); i++) {
      Cpu c = machine.scheduler.cpu(i);
      Process now = running ? c.runningNow() : null;
      List<String> ready = new ArrayList<>();
      for (Process p : c.readyNow()) {
        ready.add(p.toString());
      }
      cpus.add(new CpuView(i, now == null ? "" : now.toString(), List.copyOf(ready)));
    }
    return new SystemView(
        running, processes, endpoints, gpts, capPages, pages, cpus, runList, List.of());
  }

  private static ProcessView process(Process p, boolean booted, boolean startsAtBoot) {
    List<SlotView> slots = new ArrayList<>();
    add(slots, "schedule", p.schedule);
    add(slots, "space", p.addrSpace);
    add(slots, "brand", p.brand);
    add(slots, "cohort", p.cohort);
    add(slots, "ioSpace", p.ioSpace);
    add(slots, "handler", p.handler);
    for (int i = 0; i < Process.CAP_REGS; i++) {
      add(slots, "reg " + i, p.capReg(i));
    }
    String state;
    if (p.exited) {
      state = "exited";
    } else {
      state =
          switch (p.runState) {
            case Process.RECEIVING -> "receiving";
            case Process.FAULTED -> "faulted";
            default -> "running";
          };
    }
    String waits = "";
    if (p.stalledOn != null) {
      KObject owner = p.stalledOn.owner;
      waits =
          "to send to "
              + (owner instanceof Process r ? r.toString() : "endpoint#" + owner.oid)
              + (owner instanceof Process ? " (not receiving)" : " (no recipient)");
    } else if (!p.exited && p.runState == Process.RECEIVING) {
      waits =
          (p.rcvIcw & Icw.CW) != 0
              ? "a message through endpoint ID " + p.rcvEpId + " (closed wait)"
              : "a message (open wait)";
    } else if (!p.exited && p.runState == Process.FAULTED) {
      waits = "its handler to resume it";
    }
    List<String> senders = new ArrayList<>();
    for (Process s : p.waitingSenders()) {
      senders.add(s.toString());
    }
    String sched;
    if (!booted) {
      sched = startsAtBoot ? "starts at boot" : "not started";
    } else {
      sched =
          switch (p.sched) {
            case Process.ON_CPU -> "on cpu";
            case Process.READY -> "ready";
            default -> "idle";
          };
    }
    return new ProcessView(
        p.oid,
        p.toString(),
        state,
        p.faultCode == 0 ? "" : FaultCode.name(p.faultCode),
        p.faultInfo,
        waits,
        List.copyOf(senders),
        p.homeCpu,
        sched,
        p.pc,
        List.copyOf(slots));
  }

  private static EndpointView endpoint(Endpoint e) {
    Process r =
        e.recipient.target instanceof Process p && p.allocCount == e.recipient.allocCount
            ? p
            : null;
    List<String> waiting = new ArrayList<>();
    for (Process s : e.waitingSenders()) {
      waiting.add(s.toString());
    }
    return new EndpointView(
        e.oid,
        e.endpointID,
        e.protPayload & 0xFFFF_FFFFL,
        e.pm,
        r == null ? "" : r.toString(),
        r == null ? -1 : r.oid,
        List.copyOf(waiting));
  }

  private static void add(List<SlotView> slots, String name, Capability c) {
    if (c != null && c.type != CapType.NULL) {
      slots.add(new SlotView(name, cap(c)));
    }
  }

  static CapView cap(Capability c) {
    String type = CapType.name(c.type);
    KObject t = c.isObjectCap() ? c.target : null;
    if (t == null) {
      boolean window = c.type == CapType.WINDOW || c.type == CapType.LOCAL_WINDOW;
      return new CapView(
          type,
          "",
          -1,
          "",
          c.restr,
          c.word1() & 0xFFFF_FFFFL,
          window ? c.oid : 0,
          c.type == CapType.LOCAL_WINDOW ? (int) c.allocCount : -1,
          true);
    }
    boolean valid = t.allocCount == c.allocCount;
    if (valid && c.type == CapType.ENTRY && t instanceof Endpoint ep && ep.pm) {
      valid = ep.protPayload == c.word1(); // a used reply capability
    }
    String kind =
        switch (t.obType()) {
          case ObType.PROCESS -> "process";
          case ObType.ENDPOINT -> "endpoint";
          case ObType.GPT -> "gpt";
          case ObType.CAP_PAGE -> "cappage";
          default -> "page";
        };
    String label = t instanceof Process p ? p.toString() : kind + "#" + t.oid;
    return new CapView(type, kind, t.oid, label, c.restr, c.word1() & 0xFFFF_FFFFL, 0, -1, valid);
  }
}
