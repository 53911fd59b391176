package jackal.image.eval;

import jackal.image.ImageException;
import jackal.image.SourcePos;
import jackal.image.eval.Value.Bank;
import jackal.image.eval.Value.Builtin;
import jackal.image.eval.Value.Cap;
import jackal.image.eval.Value.Int;
import jackal.image.eval.Value.Slots;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The image's kernel objects, made and filled through the boot API ({@link Kernel}) before the
 * system boots. The kernel offers setters but few getters, so the values the image assigned are
 * also kept here, and reading a field gives back what the image last wrote (or the field's initial
 * value).
 */
final class KernelObjects {
  /** A CapPage holds Page.SIZE / 16 capabilities (the kernel does not export that constant). */
  static final int CAP_PAGE_SLOTS = 4096 / 16;

  static final int GPT_SLOTS = 16;
  static final int CAP_REGS = 32;

  /** The fields the reference lists that the boot API cannot set yet. */
  private static final Set<String> PROCESS_FIELDS_NOT_BUILT =
      Set.of(
          "runState",
          "flags",
          "notices",
          "faultCode",
          "faultInfo",
          "schedule",
          "cohort",
          "ioSpace");

  private static final Map<String, KernelService> SERVICES = new LinkedHashMap<>();

  static {
    SERVICES.put("KeyBits", KernelService.CAP_BITS);
    SERVICES.put("Discrim", KernelService.DISCRIM);
    SERVICES.put("Range", KernelService.RANGE);
    SERVICES.put("Sleep", KernelService.SLEEP);
    SERVICES.put("IrqCtl", KernelService.IRQ_CTL);
    SERVICES.put("SchedCtl", KernelService.SCHED_CTL);
    SERVICES.put("Checkpoint", KernelService.CHECKPOINT);
    SERVICES.put("ObStore", KernelService.OB_STORE);
    SERVICES.put("IoPerm", KernelService.IO_PRIV);
    SERVICES.put("PinCtl", KernelService.PIN_CTL);
    SERVICES.put("SysCtl", KernelService.SYS_CTL);
    SERVICES.put("KernLog", KernelService.KERN_LOG);
  }

  private final Kernel kernel;
  private final IdentityHashMap<ObjectRef, Map<String, Value>> fields = new IdentityHashMap<>();
  private final IdentityHashMap<ObjectRef, Map<String, Value[]>> slots = new IdentityHashMap<>();
  private final List<ObjectRef> processes = new ArrayList<>();

  /** Processes still named after the {@code new} that made them: a module's def renames them. */
  private final Set<ObjectRef> unnamed = new HashSet<>();

  private final SystemObjects system;

  KernelObjects(Kernel kernel, SystemObjects system) {
    this.kernel = kernel;
    this.system = system;
    system.objects(this);
  }

  /** A Process capability of this image that may be changed, or a positioned error. */
  Cap process(Value v, String what, SourcePos at) throws ImageException {
    Cap c = owned(v, what, at, true);
    if (!c.kind().equals("Process")) {
      throw new ImageException(
          at, what + " needs a Process capability, not " + Value.a(c.kind()) + " capability");
    }
    return c;
  }

  /** Remembers a field a builtin set, so that reading it gives it back. */
  void recordField(ObjectRef o, String name, Value v) {
    fields.get(o).put(name, v);
  }

  /**
   * Names the process {@code v} is (if it is one still named after its {@code new}) after {@code
   * name}, the module-level definition that holds it: {@code def server = proc.make(...)} makes a
   * process called {@code server}, whatever procedure built it.
   */
  void nameAfterDefinition(Value v, String name) {
    if (v instanceof Value.Cap c && c.kind().equals("Process") && unnamed.remove(c.object())) {
      kernel.setProcessName(c.object(), name);
    }
  }

  /** The processes the image made, in order. */
  List<ObjectRef> processes() {
    return List.copyOf(processes);
  }

  void defineBuiltins(Scope globals) {
    SourcePos builtin = new SourcePos("<builtin>", 0, 0);
    globals.define("PrimeBank", new Bank("PrimeBank"), true, builtin);
    globals.define(
        "NullCap",
        new Builtin("NullCap", 0, 0, (a, p, at) -> new Cap(kernel.nullCap(), null, "Null", 0)),
        true,
        builtin);
    SERVICES.forEach(
        (name, service) ->
            globals.define(
                name,
                new Builtin(
                    name, 0, 0, (a, p, at) -> new Cap(kernel.kernelCap(service), null, name, 0)),
                true,
                builtin));
    globals.define("enter", new Builtin("enter", 2, 2, this::enter), true, builtin);
    globals.define("AppInt", new Builtin("AppInt", 2, 2, this::appInt), true, builtin);
    restriction(globals, "readonly", Restr.READ_ONLY, false);
    restriction(globals, "weaken", Restr.WEAK | Restr.READ_ONLY, false);
    restriction(globals, "noexec", Restr.NO_EXECUTE, false);
    restriction(globals, "opaque", Restr.OPAQUE, true);
    restriction(globals, "nocall", Restr.NO_CALL, true);
    globals.define("guard", new Builtin("guard", 3, 3, this::guard), true, builtin);
  }

  // ---- allocation ----

  Value allocate(String kind, Value bank, SourcePos at, SourcePos bankPos) throws ImageException {
    if (!(bank instanceof Bank b)) {
      throw new ImageException(
          bankPos, "'new " + kind + "' needs a bank, not " + Value.a(bank.typeName()));
    }
    if (kind.equals("Bank")) {
      return system.newBank(b, at);
    }
    ObjectRef o =
        switch (kind) {
          case "Page" -> kernel.newPage();
          case "CapPage" -> kernel.newCapPage();
          case "GPT" -> kernel.newGpt();
          case "Endpoint" -> kernel.newEndpoint();
          case "Process" -> {
            ObjectRef p = kernel.newProcess("process@" + at);
            processes.add(p);
            unnamed.add(p);
            yield p;
          }
          default -> throw new IllegalStateException("the parser admits no kind " + kind);
        };
    fields.put(o, new LinkedHashMap<>());
    slots.put(o, new LinkedHashMap<>());
    system.owned(o, SystemObjects.rangeType(kind), b);
    return new Cap(kernel.cap(o), o, kind, 0);
  }

  // ---- fields ----

  private Cap owned(Value target, String what, SourcePos at, boolean write) throws ImageException {
    if (target instanceof Cap c && c.object() != null) {
      if (write && c.restr() != 0) {
        throw new ImageException(
            at, "cannot " + what + " through a restricted " + c.kind() + " capability");
      }
      return c;
    }
    String kind =
        target instanceof Cap c ? Value.a(c.kind()) + " capability" : Value.a(target.typeName());
    throw new ImageException(at, "cannot " + what + ": " + kind + " names no object of this image");
  }

  Value getField(Value target, String name, SourcePos at) throws ImageException {
    Cap c = owned(target, "read field '" + name + "'", at, false);
    return switch (c.kind() + "." + name) {
      case "Process.capReg" -> new Slots(c, "capReg", CAP_REGS);
      case "GPT.cap" -> new Slots(c, "cap", GPT_SLOTS);
      case "Process.addrSpace", "Process.handler", "Process.brand", "Endpoint.recipient" ->
          fields.get(c.object()).getOrDefault(name, nullCap());
      case "GPT.l2v",
          "GPT.ha",
          "GPT.bg",
          "Endpoint.pm",
          "Endpoint.protPayload",
          "Endpoint.endpointID" ->
          fields.get(c.object()).getOrDefault(name, new Int(name.equals("l2v") ? 12 : 0));
      default -> throw noField(c, name, at);
    };
  }

  void setField(Value target, String name, Value v, SourcePos at, SourcePos valuePos)
      throws ImageException {
    Cap c = owned(target, "assign field '" + name + "'", at, true);
    ObjectRef o = c.object();
    switch (c.kind() + "." + name) {
      case "Process.addrSpace" -> kernel.setAddressSpace(o, cap(v, name, valuePos).ref());
      case "Process.handler" -> kernel.setHandler(o, cap(v, name, valuePos).ref());
      case "Process.brand" -> kernel.setBrand(o, cap(v, name, valuePos).ref());
      case "Endpoint.recipient" -> {
        Cap p = cap(v, name, valuePos);
        if (!p.kind().equals("Process") || p.object() == null) {
          throw new ImageException(
              valuePos, "an endpoint's recipient must be a Process, not " + Value.a(p.kind()));
        }
        kernel.setRecipient(o, p.object());
      }
      case "Endpoint.endpointID" -> kernel.setEndpointId(o, integer(v, name, valuePos));
      case "Endpoint.protPayload" ->
          kernel.setProtectedPayload(o, (int) bounded(v, name, valuePos, 0xFFFF_FFFFL));
      case "Endpoint.pm" -> {
        long pm = bounded(v, name, valuePos, 1);
        if (pm == 1) {
          kernel.setPayloadMatch(o);
        } else if (fields.get(o).get("pm") instanceof Int was && was.value() == 1) {
          throw new ImageException(valuePos, "payload matching cannot be turned off once set");
        }
      }
      case "GPT.l2v", "GPT.ha", "GPT.bg" -> {
        long max = name.equals("l2v") ? 64 : 1;
        long value = bounded(v, name, valuePos, max);
        if (name.equals("l2v") && value < 12) {
          throw new ImageException(
              valuePos, "l2v must be at least 12 (the page size), not " + value);
        }
        Map<String, Value> f = fields.get(o);
        f.put(name, new Int(value));
        kernel.setGpt(
            o,
            (int) ((Int) f.getOrDefault("l2v", new Int(12))).value(),
            ((Int) f.getOrDefault("ha", new Int(0))).value() == 1,
            ((Int) f.getOrDefault("bg", new Int(0))).value() == 1);
        return;
      }
      default -> {
        if (c.kind().equals("Process") && PROCESS_FIELDS_NOT_BUILT.contains(name)) {
          throw new ImageException(
              at, "field '" + name + "' of a Process cannot be set yet by this interpreter");
        }
        throw noField(c, name, at);
      }
    }
    fields.get(o).put(name, v);
  }

  private static ImageException noField(Cap c, String name, SourcePos at) {
    return new ImageException(at, Value.a(c.kind()) + " has no field '" + name + "'");
  }

  // ---- slots ----

  /** The slot array {@code target} denotes when indexed, or null if it has none. */
  Slots slotsOf(Value target) {
    if (target instanceof Slots s) {
      return s;
    }
    if (target instanceof Cap c && c.object() != null && c.kind().equals("CapPage")) {
      return new Slots(c, "slot", CAP_PAGE_SLOTS);
    }
    return null;
  }

  Value getSlot(Slots s, Value index, SourcePos at) throws ImageException {
    int i = slotIndex(s, index, at);
    Value v = slotArray(s)[i];
    return v == null ? nullCap() : v;
  }

  void setSlot(Slots s, Value index, Value v, SourcePos at, SourcePos valuePos)
      throws ImageException {
    Cap owner = owned(s.owner(), "assign a slot", at, true);
    int i = slotIndex(s, index, at);
    Cap c = cap(v, s.field() + "[" + i + "]", valuePos);
    switch (s.field()) {
      case "capReg" -> {
        if (i == 0) {
          throw new ImageException(at, "capability register 0 is always Null");
        }
        kernel.setCapReg(owner.object(), i, c.ref());
      }
      case "cap" -> kernel.setGptSlot(owner.object(), i, c.ref());
      default -> kernel.setCapPageSlot(owner.object(), i, c.ref());
    }
    slotArray(s)[i] = c;
  }

  private Value[] slotArray(Slots s) {
    return slots.get(s.owner().object()).computeIfAbsent(s.field(), k -> new Value[s.size()]);
  }

  private static int slotIndex(Slots s, Value index, SourcePos at) throws ImageException {
    if (!(index instanceof Int i)) {
      throw new ImageException(
          at, "a slot index must be an integer, not " + Value.a(index.typeName()));
    }
    if (i.value() < 0 || i.value() >= s.size()) {
      throw new ImageException(
          at,
          "slot "
              + i.value()
              + " is out of range: "
              + s.owner().kind()
              + " "
              + s.field()
              + " has slots 0.."
              + (s.size() - 1));
    }
    return (int) i.value();
  }

  // ---- builtins ----

  private Cap nullCap() {
    return new Cap(kernel.nullCap(), null, "Null", 0);
  }

  private Value enter(List<Value> args, List<SourcePos> pos, SourcePos at) throws ImageException {
    Cap ep = endpoint(args.get(0), "enter", pos.get(0));
    long pp = bounded(args.get(1), "the protected payload", pos.get(1), 0xFFFF_FFFFL);
    return new Cap(kernel.entry(ep.object(), (int) pp), null, "Entry", 0);
  }

  private Value appInt(List<Value> args, List<SourcePos> pos, SourcePos at) throws ImageException {
    Cap ep = endpoint(args.get(0), "AppInt", pos.get(0));
    long mask = bounded(args.get(1), "the notice mask", pos.get(1), 0xFFFF_FFFFL);
    return new Cap(kernel.appNotice(ep.object(), (int) mask), null, "AppNotice", 0);
  }

  private static Cap endpoint(Value v, String fn, SourcePos at) throws ImageException {
    if (v instanceof Cap c && c.kind().equals("Endpoint") && c.object() != null) {
      return c;
    }
    String got = v instanceof Cap c ? Value.a(c.kind()) + " capability" : Value.a(v.typeName());
    throw new ImageException(at, fn + " needs an Endpoint capability, not " + got);
  }

  private void restriction(Scope globals, String name, int bits, boolean gptOnly) {
    globals.define(
        name,
        new Builtin(
            name,
            1,
            1,
            (args, pos, at) -> {
              Value v = args.getFirst();
              Set<String> allowed = gptOnly ? Set.of("GPT") : Set.of("Page", "CapPage", "GPT");
              if (!(v instanceof Cap c) || !allowed.contains(c.kind())) {
                String got =
                    v instanceof Cap c ? Value.a(c.kind()) + " capability" : Value.a(v.typeName());
                throw new ImageException(
                    pos.getFirst(),
                    name
                        + " needs "
                        + (gptOnly ? "a GPT" : "a Page, CapPage or GPT")
                        + " capability, not "
                        + got);
              }
              return new Cap(
                  kernel.restricted(c.ref(), bits), c.object(), c.kind(), c.restr() | bits);
            }),
        true,
        new SourcePos("<builtin>", 0, 0));
  }

  /** {@code guard(cap, guard, l2g)}: the same memory capability matching {@code guard >> l2g}. */
  private Value guard(List<Value> args, List<SourcePos> pos, SourcePos at) throws ImageException {
    Value v = args.get(0);
    if (!(v instanceof Cap c) || !Set.of("Page", "CapPage", "GPT").contains(c.kind())) {
      String got = v instanceof Cap c ? Value.a(c.kind()) + " capability" : Value.a(v.typeName());
      throw new ImageException(
          pos.get(0), "guard needs a Page, CapPage or GPT capability, not " + got);
    }
    long g = integer(args.get(1), "the guard", pos.get(1));
    long l2g = bounded(args.get(2), "l2g", pos.get(2), 64);
    if (l2g < 12) {
      throw new ImageException(pos.get(2), "l2g must be at least 12 (the page size), not " + l2g);
    }
    long match = l2g == 64 ? 0 : g >>> l2g;
    if (l2g < 64 && (match << l2g) != g) {
      throw new ImageException(
          pos.get(1), "guard 0x" + Long.toHexString(g) + " has bits below 2^" + l2g);
    }
    if (l2g == 64 && g != 0) {
      throw new ImageException(pos.get(1), "with l2g 64 the guard must be 0");
    }
    if (match >= (1L << 24)) {
      throw new ImageException(
          pos.get(1), "guard 0x" + Long.toHexString(g) + " needs more than 24 match bits");
    }
    return new Cap(
        kernel.guarded(c.ref(), (int) match, (int) l2g), c.object(), c.kind(), c.restr());
  }

  // ---- value checks ----

  /** A capability value; a bank stands for its capability (an Entry to its endpoint). */
  private Cap cap(Value v, String what, SourcePos at) throws ImageException {
    if (v instanceof Cap c) {
      return c;
    }
    if (v instanceof Bank b) {
      return new Cap(system.bankEntry(b, 0), null, "SpaceBank", 0);
    }
    throw new ImageException(at, what + " holds a capability, not " + Value.a(v.typeName()));
  }

  private static long integer(Value v, String what, SourcePos at) throws ImageException {
    if (v instanceof Int i) {
      return i.value();
    }
    throw new ImageException(at, what + " must be an integer, not " + Value.a(v.typeName()));
  }

  private static long bounded(Value v, String what, SourcePos at, long max) throws ImageException {
    long x = integer(v, what, at);
    if (x < 0 || x > max) {
      throw new ImageException(at, what + " must be 0.." + max + ", not " + x);
    }
    return x;
  }

  /** The lines {@code print *} shows for an object. */
  List<String> describe(Cap c) {
    List<String> out = new ArrayList<>();
    out.add(c.kind() + " " + c.ref());
    if (c.object() == null) {
      return out;
    }
    fields
        .getOrDefault(c.object(), Map.of())
        .forEach((k, v) -> out.add("  " + k + " = " + v.show()));
    slots
        .getOrDefault(c.object(), Map.of())
        .forEach(
            (field, arr) -> {
              for (int i = 0; i < arr.length; i++) {
                if (arr[i] != null) {
                  out.add("  " + field + "[" + i + "] = " + arr[i].show());
                }
              }
            });
    return out;
  }
}
