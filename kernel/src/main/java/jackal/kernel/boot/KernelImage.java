package jackal.kernel.boot;

import jackal.kernel.api.CapType;
import jackal.kernel.boot.ImageRefusedException.Part;
import jackal.kernel.boot.ObjectState.CapPageState;
import jackal.kernel.boot.ObjectState.EndpointState;
import jackal.kernel.boot.ObjectState.GptState;
import jackal.kernel.boot.ObjectState.PageState;
import jackal.kernel.boot.ObjectState.ProcessState;
import jackal.kernel.cap.CapEncoding;
import jackal.kernel.cap.Capability;
import jackal.kernel.cap.OidLayout;
import jackal.kernel.obj.CapPage;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObType;
import jackal.kernel.obj.ObjectTable;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything an unbooted kernel holds, as values: every object it has made (by type, then OID), the
 * next OID its image builder would hand out per type, and the processes queued to run at boot, in
 * the order they were started. {@link #exportFrom} takes it from a builder; {@link #loadInto} puts
 * it into a fresh builder, checking first every invariant the boot API keeps, so that a refused
 * image loads nothing. The kernel stays the only code that makes objects: an image names them by
 * OID, and loading asks the kernel's object table for them.
 *
 * @param oidLayout the OID layout's setting name ({@code wide} or {@code coyotos-2007}); the
 *     capabilities' 16-byte form depends on it
 * @param nextFresh per object type, the next OID the builder hands out
 * @param objects every object, Pages first, then CapPages, GPTs, Processes and Endpoints, each type
 *     by OID
 * @param runList the OIDs of the processes to start at boot, in order
 */
public record KernelImage(
    String oidLayout, List<Long> nextFresh, List<ObjectState> objects, List<Long> runList) {

  public KernelImage {
    nextFresh = List.copyOf(nextFresh);
    objects = List.copyOf(objects);
    runList = List.copyOf(runList);
  }

  private static final int CAP_BYTES = 16;

  // ------------------------------------------------------------------ export

  /**
   * The objects of {@code k}, an unbooted builder. Refused (IllegalStateException) if a process
   * runs trusted code given as a Java lambda: an image holds only programs loaded from pages.
   */
  public static KernelImage exportFrom(Kernel k) {
    k.openBuilder();
    ObjectTable table = k.machine().objects;
    OidLayout layout = table.layout();
    List<ObjectState> out = new ArrayList<>();
    List<Long> next = new ArrayList<>();
    for (int t = 0; t < ObType.COUNT; t++) {
      next.add(table.nextFresh(t));
      List<KObject> all = new ArrayList<>();
      table.all(t).forEach(all::add);
      all.sort(Comparator.comparingLong(o -> o.oid));
      for (KObject o : all) {
        ObjectState[] s = new ObjectState[1];
        k.locked(() -> s[0] = state(o, layout), o);
        out.add(s[0]);
      }
    }
    List<Long> run = new ArrayList<>();
    for (ObjectRef p : k.runList()) {
      run.add(p.oid());
    }
    return new KernelImage(k.config().oidLayout(), next, out, run);
  }

  static ObjectState state(KObject o, OidLayout layout) {
    return switch (o) {
      case Page p -> new PageState(p.oid, p.allocCount, p.bytes.clone());
      case CapPage c -> new CapPageState(c.oid, c.allocCount, encode(c.slots, layout));
      case Gpt g -> new GptState(g.oid, g.allocCount, g.l2v, g.ha, g.bg, encode(g.slots, layout));
      case Endpoint e ->
          new EndpointState(
              e.oid,
              e.allocCount,
              e.pm,
              e.protPayload,
              e.endpointID,
              encode(new Capability[] {e.recipient}, layout));
      case Process p -> {
        if (p.program != null) {
          throw new IllegalStateException(
              p
                  + " runs trusted code given as a Java lambda, which an image cannot hold: load"
                  + " its program from pages (newProgramSpace, setSpaceAndPC)");
        }
        Capability[] caps = new Capability[ProcessState.CAPS];
        caps[ProcessState.SCHEDULE] = p.schedule;
        caps[ProcessState.ADDR_SPACE] = p.addrSpace;
        caps[ProcessState.BRAND] = p.brand;
        caps[ProcessState.COHORT] = p.cohort;
        caps[ProcessState.IO_SPACE] = p.ioSpace;
        caps[ProcessState.HANDLER] = p.handler;
        for (int r = 0; r < Process.CAP_REGS; r++) {
          caps[ProcessState.FIRST_CAP_REG + r] = p.capReg(r).pin(); // kept past the lock
        }
        yield new ProcessState(
            p.oid,
            p.allocCount,
            p.name == null ? "" : p.name,
            p.runState,
            p.flags,
            p.notices,
            p.faultCode,
            p.faultInfo,
            p.pc,
            p.cpuMask,
            encode(caps, layout));
      }
      default -> throw new IllegalStateException("unknown object " + o);
    };
  }

  private static byte[][] encode(Capability[] caps, OidLayout layout) {
    byte[][] out = new byte[caps.length][];
    for (int i = 0; i < caps.length; i++) {
      out[i] = CapEncoding.encodeBytes(caps[i], layout);
    }
    return out;
  }

  // ------------------------------------------------------------------ import

  /**
   * Loads this image into {@code k}, a builder that has made no object yet, and returns the
   * processes of the run list, to be started ({@link Kernel#start}) before boot. Every check comes
   * first; a refused image leaves {@code k} as it was.
   */
  public List<ObjectRef> loadInto(Kernel k) throws ImageRefusedException {
    return loadInto(k, Set.of());
  }

  /**
   * {@link #loadInto(Kernel)} for a system resumed from a checkpoint: the processes in {@code
   * running} have a captured program, so they may be in any run state (receiving, faulted).
   */
  List<ObjectRef> loadInto(Kernel k, Set<Long> running) throws ImageRefusedException {
    k.openBuilder();
    ObjectTable table = k.machine().objects;
    for (int t = 0; t < ObType.COUNT; t++) {
      if (table.resident(t) != 0) {
        throw new IllegalStateException(
            "an image loads only into a kernel that has made no object yet");
      }
    }
    OidLayout layout = table.layout();
    check(k.config(), table, layout, running);
    // Checked: from here nothing can fail. First every object with its count, so that the
    // capabilities filled in next find their targets.
    List<KObject> made = new ArrayList<>(objects.size());
    for (ObjectState s : objects) {
      KObject o = table.get(s.obType(), s.oid());
      k.locked(() -> o.allocCount = s.allocCount(), o);
      made.add(o);
    }
    for (int i = 0; i < objects.size(); i++) {
      ObjectState s = objects.get(i);
      KObject o = made.get(i);
      k.locked(() -> fill(o, s, layout, table), o);
    }
    for (int t = 0; t < ObType.COUNT; t++) {
      table.setNextFresh(t, nextFresh.get(t));
    }
    k.machine().translationsChanged();
    List<ObjectRef> run = new ArrayList<>();
    for (long oid : runList) {
      run.add(new ObjectRef(table.get(ObType.PROCESS, oid)));
    }
    return run;
  }

  private static void fill(KObject o, ObjectState s, OidLayout layout, ObjectTable table) {
    switch (s) {
      case PageState p -> System.arraycopy(p.bytes(), 0, ((Page) o).bytes, 0, Page.SIZE);
      case CapPageState c -> decodeInto(c.caps(), ((CapPage) o).slots, layout, table);
      case GptState g -> {
        Gpt gpt = (Gpt) o;
        gpt.l2v = g.l2v();
        gpt.ha = g.ha();
        gpt.bg = g.bg();
        decodeInto(g.caps(), gpt.slots, layout, table);
      }
      case EndpointState e -> {
        Endpoint ep = (Endpoint) o;
        ep.pm = e.pm();
        ep.protPayload = e.protPayload();
        ep.endpointID = e.endpointID();
        ep.recipient = decode(e.caps()[0], layout, table);
      }
      case ProcessState p -> {
        Process proc = (Process) o;
        proc.name = p.name().isEmpty() ? null : p.name();
        proc.runState = p.runState();
        proc.flags = p.flags();
        proc.notices = p.notices();
        proc.faultCode = p.faultCode();
        proc.faultInfo = p.faultInfo();
        proc.pc = p.pc();
        proc.cpuMask = p.cpuMask();
        byte[][] c = p.caps();
        proc.schedule = decode(c[ProcessState.SCHEDULE], layout, table);
        proc.addrSpace = decode(c[ProcessState.ADDR_SPACE], layout, table);
        proc.brand = decode(c[ProcessState.BRAND], layout, table);
        proc.cohort = decode(c[ProcessState.COHORT], layout, table);
        proc.ioSpace = decode(c[ProcessState.IO_SPACE], layout, table);
        proc.handler = decode(c[ProcessState.HANDLER], layout, table);
        for (int r = 0; r < Process.CAP_REGS; r++) {
          proc.setCapReg(r, decode(c[ProcessState.FIRST_CAP_REG + r], layout, table));
        }
      }
    }
  }

  private static void decodeInto(
      byte[][] caps, Capability[] slots, OidLayout layout, ObjectTable table) {
    for (int i = 0; i < slots.length; i++) {
      slots[i] = decode(caps[i], layout, table);
    }
  }

  private static Capability decode(byte[] b, OidLayout layout, ObjectTable table) {
    return isNull(b) ? Capability.NULL : CapEncoding.decodeBytes(b, layout, table::resolve);
  }

  /** Most slots of an image are Null: all sixteen bytes zero. */
  private static boolean isNull(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  // ------------------------------------------------------------------ checks

  private void check(KernelConfig config, ObjectTable table, OidLayout layout, Set<Long> running)
      throws ImageRefusedException {
    if (!config.oidLayout().equals(oidLayout)) {
      throw image(
          "the image uses the "
              + oidLayout
              + " OID layout and this kernel the "
              + config.oidLayout()
              + " layout (boot it with --oid-layout "
              + oidLayout
              + ")");
    }
    if (nextFresh.size() != ObType.COUNT) {
      throw image("the image gives " + nextFresh.size() + " OID counters, not " + ObType.COUNT);
    }
    for (int t = 0; t < ObType.COUNT; t++) {
      long n = nextFresh.get(t);
      if (n < 0 || n > table.bound(t)) {
        throw image(
            "the next fresh "
                + ObType.name(t)
                + " OID, "
                + n
                + ", is outside this kernel's 0.."
                + table.bound(t));
      }
    }
    // Pass 1: every object's OID and count, by type.
    List<Map<Long, ObjectState>> byOid = new ArrayList<>();
    for (int t = 0; t < ObType.COUNT; t++) {
      byOid.add(new HashMap<>());
    }
    for (int i = 0; i < objects.size(); i++) {
      ObjectState s = objects.get(i);
      String name = ObType.name(s.obType()) + "#" + s.oid();
      if (!table.inRange(s.obType(), s.oid())) {
        throw object(
            i, -1, name + ": OID outside this kernel's 0.." + (table.bound(s.obType()) - 1));
      }
      if (byOid.get(s.obType()).putIfAbsent(s.oid(), s) != null) {
        throw object(i, -1, name + " appears twice");
      }
      long count = s.allocCount();
      if (count != KObject.RETIRED && (count < 0 || count > layout.maxCount)) {
        throw object(
            i,
            -1,
            name
                + ": allocation count "
                + count
                + " is outside 0.."
                + layout.maxCount
                + " (or -1, retired)");
      }
    }
    // Pass 2: contents and capabilities.
    long validCpus = config.cpus() == 64 ? -1L : (1L << config.cpus()) - 1;
    for (int i = 0; i < objects.size(); i++) {
      ObjectState s = objects.get(i);
      String name = ObType.name(s.obType()) + "#" + s.oid();
      int expected =
          switch (s) {
            case PageState p -> {
              if (p.bytes() == null || p.bytes().length != Page.SIZE) {
                throw object(i, -1, name + ": a page holds " + Page.SIZE + " bytes");
              }
              yield 0;
            }
            case CapPageState c -> CapPage.SLOTS;
            case GptState g -> {
              if (g.l2v() < Page.SIZE_BITS || g.l2v() > 64) {
                throw object(
                    i, -1, name + ": l2v must be " + Page.SIZE_BITS + "..64, not " + g.l2v());
              }
              yield Gpt.SLOTS;
            }
            case EndpointState e -> 1;
            case ProcessState p -> {
              if (p.runState() < Process.RUNNING || p.runState() > Process.FAULTED) {
                throw object(
                    i,
                    -1,
                    name
                        + ": run state "
                        + p.runState()
                        + " is not 0..2 (running, receiving, faulted)");
              }
              // Receiving needs the parameter block the message goes to, which is the program's:
              // only a process whose program was captured in its receive may wait in one. Faulted
              // needs nothing of the program: a destroyed process, or one a bank handed out that
              // nobody has started, waits for whoever holds its process capability.
              if (p.runState() == Process.RECEIVING && !running.contains(p.oid())) {
                throw object(
                    i,
                    -1,
                    name
                        + ": run state 1 (receiving) with no program to receive in (a process"
                        + " not captured in a receive is running, or faulted, never receiving: it"
                        + " has no parameter block)");
              }
              if ((p.cpuMask() & validCpus) == 0) {
                throw object(
                    i,
                    -1,
                    name
                        + ": CPU mask 0x"
                        + Long.toHexString(p.cpuMask())
                        + " names no CPU of this kernel's "
                        + config.cpus());
              }
              if (p.faultCode() < 0 || p.faultCode() > 255) {
                throw object(i, -1, name + ": fault code " + p.faultCode() + " is not 0..255");
              }
              if (p.name() == null) {
                throw object(i, -1, name + ": no name (an unnamed process has \"\")");
              }
              yield ProcessState.CAPS;
            }
          };
      byte[][] caps = s.caps();
      if (caps == null || caps.length != expected) {
        throw object(
            i,
            -1,
            name
                + ": "
                + (caps == null ? 0 : caps.length)
                + " capabilities, not the "
                + expected
                + " a "
                + ObType.name(s.obType())
                + " holds");
      }
      for (int c = 0; c < caps.length; c++) {
        checkCap(i, c, name, caps[c], s, layout, byOid);
      }
    }
    Set<Long> started = new HashSet<>();
    for (int i = 0; i < runList.size(); i++) {
      long oid = runList.get(i);
      ObjectState s = byOid.get(ObType.PROCESS).get(oid);
      if (s == null) {
        throw new ImageRefusedException(
            Part.RUN_LIST,
            i,
            -1,
            "the run list names Process#" + oid + ", which is not in the image");
      }
      if (!started.add(oid)) {
        throw new ImageRefusedException(
            Part.RUN_LIST, i, -1, "the run list names Process#" + oid + " twice");
      }
      Capability space = CapEncoding.decodeBytes(s.caps()[ProcessState.ADDR_SPACE], layout, null);
      if (space.type == CapType.NULL) {
        throw new ImageRefusedException(
            Part.RUN_LIST, i, -1, "the run list starts Process#" + oid + ", which has no program");
      }
      if (((ProcessState) s).runState() != Process.RUNNING) {
        throw new ImageRefusedException(
            Part.RUN_LIST,
            i,
            -1,
            "the run list starts Process#"
                + oid
                + ", which is not running (a faulted process waits for whoever holds its process"
                + " capability)");
      }
    }
  }

  private static void checkCap(
      int i,
      int c,
      String name,
      byte[] bytes,
      ObjectState s,
      OidLayout layout,
      List<Map<Long, ObjectState>> byOid)
      throws ImageRefusedException {
    if (bytes == null || bytes.length != CAP_BYTES) {
      throw object(i, c, name + ": capability " + c + " is not " + CAP_BYTES + " bytes");
    }
    if (isNull(bytes)) {
      return;
    }
    Capability cap = CapEncoding.decodeBytes(bytes, layout, null);
    String where = name + " " + capName(s, c);
    if (!CapType.isDefined(cap.type)) {
      throw object(i, c, where + ": reserved capability type 0x" + Integer.toHexString(cap.type));
    }
    if (cap.isObjectCap()) {
      int t = ObjectTable.obTypeOfCap(cap.type);
      ObjectState target = byOid.get(t).get(cap.oid);
      if (target == null) {
        throw object(
            i,
            c,
            where
                + ": "
                + CapType.name(cap.type)
                + " capability names "
                + ObType.name(t)
                + "#"
                + cap.oid
                + ", which is not in the image");
      }
      if (target.allocCount() != KObject.RETIRED && cap.allocCount > target.allocCount()) {
        throw object(
            i,
            c,
            where
                + ": capability count "
                + cap.allocCount
                + " is newer than its object's "
                + target.allocCount());
      }
    } else if (cap.type == CapType.LOCAL_WINDOW
        && (cap.allocCount < 0 || cap.allocCount >= Gpt.SLOTS)) {
      throw object(i, c, where + ": LocalWindow root slot " + cap.allocCount + " is not 0..15");
    }
    if (s instanceof EndpointState && cap.type != CapType.NULL && cap.type != CapType.PROCESS) {
      throw object(
          i,
          c,
          where + ": a recipient is a Process capability or Null, not " + CapType.name(cap.type));
    }
    if (s instanceof ProcessState && c == ProcessState.FIRST_CAP_REG && cap.type != CapType.NULL) {
      throw object(i, c, where + ": capability register 0 is always Null");
    }
  }

  private static String capName(ObjectState s, int c) {
    return switch (s) {
      case ProcessState p ->
          c >= ProcessState.FIRST_CAP_REG
              ? "capReg[" + (c - ProcessState.FIRST_CAP_REG) + "]"
              : List.of("schedule", "addrSpace", "brand", "cohort", "ioSpace", "handler").get(c);
      case EndpointState e -> "recipient";
      default -> "slot " + c;
    };
  }

  private static ImageRefusedException image(String message) {
    return new ImageRefusedException(Part.IMAGE, -1, -1, message);
  }

  private static ImageRefusedException object(int index, int cap, String message) {
    return new ImageRefusedException(Part.OBJECT, index, cap, message);
  }

  // ------------------------------------------------------------------ reading capabilities

  /**
   * A person's reading of a 16-byte capability of this image: its type, the object it names, its
   * restrictions and its second word, e.g. {@code Entry(Endpoint#3, pp=7)} or {@code GPT(GPT#0, ro,
   * guard 0/36)}.
   */
  public String describe(byte[] cap) {
    Capability c = CapEncoding.decodeBytes(cap, OidLayout.fromSetting(oidLayout), null);
    if (c.type == CapType.NULL) {
      return "Null";
    }
    List<String> parts = new ArrayList<>();
    if (c.isObjectCap()) {
      parts.add(ObType.name(ObjectTable.obTypeOfCap(c.type)) + "#" + c.oid);
      if (c.allocCount != 0) {
        parts.add("count=" + c.allocCount);
      }
    }
    String[] restr = {"weak", "ro", "nx", "opaque", c.type == CapType.PROCESS ? "restart" : "nc"};
    for (int bit = 0; bit < restr.length; bit++) {
      if ((c.restr & (1 << bit)) != 0) {
        parts.add(restr[bit]);
      }
    }
    switch (c.type) {
      case CapType.ENTRY -> parts.add("pp=" + c.payload());
      case CapType.APP_NOTICE -> parts.add("mask=0x" + Long.toHexString(c.payload()));
      case CapType.PAGE, CapType.CAP_PAGE, CapType.GPT, CapType.WINDOW, CapType.LOCAL_WINDOW -> {
        if (c.type == CapType.WINDOW || c.type == CapType.LOCAL_WINDOW) {
          parts.add("offset=0x" + Long.toHexString(c.oid));
        }
        if (c.type == CapType.LOCAL_WINDOW) {
          parts.add("root=" + c.allocCount);
        }
        parts.add("guard " + Integer.toHexString(c.word1() >>> 8) + "/" + (c.word1() & 0x7F));
      }
      default -> {
        if (c.word1() != 0) {
          parts.add("w1=0x" + Integer.toHexString(c.word1()));
        }
      }
    }
    return CapType.name(c.type) + (parts.isEmpty() ? "" : "(" + String.join(", ", parts) + ")");
  }
}
