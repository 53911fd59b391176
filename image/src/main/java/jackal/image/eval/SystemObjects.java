package jackal.image.eval;

import jackal.image.CapIdlName;
import jackal.image.ImageException;
import jackal.image.SourcePos;
import jackal.image.eval.Value.Bank;
import jackal.image.eval.Value.Builtin;
import jackal.image.eval.Value.Cap;
import jackal.image.eval.Value.Int;
import jackal.image.eval.Value.Namespace;
import jackal.image.eval.Value.Str;
import jackal.image.programs.Launcher;
import jackal.image.tour.Guide;
import jackal.kernel.api.Codes;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeNames;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.MetaConstructor;
import jackal.services.boot.Pipe;
import jackal.services.boot.PrimeBank;
import jackal.services.boot.ServiceNames;
import jackal.services.boot.SpaceServerImage;
import jackal.services.boot.StreamConstructor;
import jackal.services.boot.StreamServer;
import jackal.services.boot.TextConsoleServer;
import jackal.services.stream.PipeProgram;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * What an image builds on the kernel objects: programs loaded from jars, the space bank and its
 * tree of banks, and the system's services (the metaconstructor, the space servers, the streams,
 * the console), through the services' boot helpers. The space bank process is built the first time
 * the image needs it; when the image ends ({@link #finish}) it is told which banks the image made
 * and which objects each owns.
 */
final class SystemObjects {
  private final Kernel kernel;
  private final List<Path> searchPath;
  private final List<ObjectRef> runList = new ArrayList<>();
  private final Map<Path, CodeSegment> jars = new HashMap<>();
  private final List<Bank> subBanks = new ArrayList<>();
  private final IdentityHashMap<ObjectRef, Bank> owners = new IdentityHashMap<>();
  private final Map<ObjectRef, Integer> types = new LinkedHashMap<>();
  private final List<CapIdlName> capIdlNames = new ArrayList<>();
  private CodeSegment runtime;
  private CodeSegment library;
  private CodeSegment servers;
  private CodeSegment launcher;
  private PrimeBank prime;
  private MetaConstructor meta;

  SystemObjects(Kernel kernel, List<Path> searchPath) {
    this.kernel = kernel;
    this.searchPath = List.copyOf(searchPath);
  }

  /**
   * The CapIDL names the jars of the image's programs carry, in the order the image loaded them: a
   * built image file keeps them for the traces of its boot.
   */
  List<CapIdlName> capIdlNames() {
    return List.copyOf(capIdlNames);
  }

  /** The processes to start at boot, in the order the image made them runnable. */
  List<ObjectRef> runList() {
    return List.copyOf(runList);
  }

  /**
   * Ends the image: the space bank (if the image used it) learns the sub-banks and who owns what.
   * Returns the processes to start.
   */
  List<ObjectRef> finish() {
    if (prime != null) {
      List<long[]> banks = new ArrayList<>();
      for (Bank b : subBanks) {
        long[] rec = new long[7];
        rec[0] = b.endpoint().oid();
        rec[1] = number(b.parent());
        System.arraycopy(limits(b), 0, rec, 2, 5);
        banks.add(rec);
      }
      List<long[]> objects = new ArrayList<>();
      types.forEach((o, t) -> objects.add(new long[] {t, o.oid(), number(owners.get(o))}));
      prime.preload(banks, objects);
    }
    return runList();
  }

  private long number(Bank b) {
    return b.endpoint() == null ? 0 : subBanks.indexOf(b) + 1;
  }

  void defineBuiltins(Scope globals) {
    builtin(globals, "load_program", 3, 4, this::loadProgram);
    builtin(globals, "start", 2, 2, this::start);
    builtin(globals, "launch", 2, 2, this::launch);
    builtin(globals, "bank_cap", 1, 2, this::bankCap);
    builtin(globals, "bank_limit", 3, 3, this::bankLimit);
    builtin(globals, "MetaConstructor", 0, 0, (a, p, at) -> cap(meta().entry(), "Constructor"));
    builtin(globals, "ConstructorVerifier", 0, 0, (a, p, at) -> cap(meta().verifier(), "Verifier"));
    builtin(
        globals,
        "NullStreamConstructor",
        0,
        0,
        (a, p, at) -> cap(streamConstructor(false).entry(), "Constructor"));
    builtin(
        globals,
        "ZeroStreamConstructor",
        0,
        0,
        (a, p, at) -> cap(streamConstructor(true).entry(), "Constructor"));
    builtin(
        globals,
        "NullStream",
        1,
        1,
        (a, p, at) -> {
          StreamServer s = StreamServer.nullStream(kernel, runtime()).bank(bankRef(a, p, 0));
          runList.add(s.process());
          return cap(s.entry(), "IoStream");
        });
    builtin(
        globals,
        "ZeroStream",
        1,
        1,
        (a, p, at) -> {
          StreamServer s = StreamServer.zeroStream(kernel, runtime()).bank(bankRef(a, p, 0));
          runList.add(s.process());
          return cap(s.entry(), "IoStream");
        });
    builtin(
        globals,
        "TextConsole",
        1,
        1,
        (a, p, at) -> {
          TextConsoleServer s = TextConsoleServer.build(kernel, runtime()).bank(bankRef(a, p, 0));
          runList.add(s.process());
          return cap(s.entry(), "TextConsole");
        });
    builtin(
        globals,
        "Pipe",
        1,
        1,
        (a, p, at) -> {
          Pipe s = Pipe.build(kernel, runtime()).bank(bankRef(a, p, 0));
          runList.add(s.process());
          Map<String, Value> ends = new LinkedHashMap<>();
          ends.put("read", cap(s.readEnd(), "IoStream"));
          ends.put("write", cap(s.writeEnd(), "IoStream"));
          return new Namespace("pipe", "pipe", ends);
        });
    builtin(globals, "ProgramSpaceServer", 2, 2, (a, p, at) -> spaceServer(a, p, false));
    builtin(globals, "VirtualCopyServer", 2, 2, (a, p, at) -> spaceServer(a, p, true));
  }

  private static void builtin(Scope globals, String name, int min, int max, Builtin.Body body) {
    globals.define(name, new Builtin(name, min, max, body), true, new SourcePos("<builtin>", 0, 0));
  }

  private static Cap cap(CapRef ref, String kind) {
    return new Cap(ref, null, kind, 0);
  }

  // ---- banks ----

  /** The space bank, built the first time the image needs it. */
  PrimeBank prime() {
    if (prime == null) {
      prime = PrimeBank.build(kernel, runtime());
      runList.add(prime.process());
    }
    return prime;
  }

  /** {@code new Bank(parent)}: a sub-bank, an endpoint of the bank process. */
  Bank newBank(Bank parent, SourcePos at) {
    ObjectRef ep = kernel.newEndpoint();
    kernel.setRecipient(ep, prime().process());
    // Every bank's endpoint ID is its endpoint's OID + 1 (the bank server's convention).
    kernel.setEndpointId(ep, ep.oid() + 1);
    Bank b = new Bank("bank@" + at, ep, parent);
    subBanks.add(b);
    return b;
  }

  /** Records that {@code bank} owns {@code o}, a new object of Range type {@code type}. */
  void owned(ObjectRef o, int type, Bank bank) {
    owners.put(o, bank);
    types.put(o, type);
  }

  static int rangeType(String kind) {
    return switch (kind) {
      case "Page" -> Codes.OT_PAGE;
      case "CapPage" -> Codes.OT_CAP_PAGE;
      case "GPT" -> Codes.OT_GPT;
      case "Process" -> Codes.OT_PROCESS;
      case "Endpoint" -> Codes.OT_ENDPOINT;
      default -> throw new IllegalArgumentException(kind);
    };
  }

  /** The bank's capability (Entry to its endpoint) with restrictions {@code restrictions}. */
  CapRef bankEntry(Bank b, int restrictions) {
    return b.endpoint() == null
        ? prime().entry(restrictions)
        : kernel.entry(b.endpoint(), restrictions);
  }

  private Value bankCap(List<Value> args, List<SourcePos> pos, SourcePos at) throws ImageException {
    Bank b = bank(args.get(0), pos.get(0));
    long r = 0;
    if (args.size() > 1) {
      if (!(args.get(1) instanceof Int i) || i.value() < 0 || i.value() > 0xFFFF) {
        throw new ImageException(pos.get(1), "bank restrictions must be an integer 0..65535");
      }
      r = i.value();
    }
    return cap(bankEntry(b, (int) r), "SpaceBank");
  }

  private final Map<ObjectRef, long[]> limits = new HashMap<>();

  private long[] limits(Bank b) {
    return limits.computeIfAbsent(b.endpoint(), e -> new long[] {-1, -1, -1, -1, -1});
  }

  /** {@code bank_limit(bank, "Page", n)}: the sub-bank holds at most n objects of that kind. */
  private Value bankLimit(List<Value> args, List<SourcePos> pos, SourcePos at)
      throws ImageException {
    Bank b = bank(args.get(0), pos.get(0));
    if (b.endpoint() == null) {
      throw new ImageException(pos.get(0), "the prime bank has no limits");
    }
    String kind = string(args.get(1), "the object kind", pos.get(1));
    int t;
    try {
      t = rangeType(kind);
    } catch (IllegalArgumentException e) {
      throw new ImageException(
          pos.get(1), "no object kind '" + kind + "': Page, CapPage, GPT, Process or Endpoint");
    }
    if (!(args.get(2) instanceof Int n) || n.value() < 0) {
      throw new ImageException(pos.get(2), "a limit must be an integer of at least 0");
    }
    limits(b)[t] = n.value();
    return Value.Unit.UNIT;
  }

  private static Bank bank(Value v, SourcePos at) throws ImageException {
    if (v instanceof Bank b) {
      return b;
    }
    throw new ImageException(at, "a bank is needed here, not " + Value.a(v.typeName()));
  }

  private CapRef bankRef(List<Value> args, List<SourcePos> pos, int i) throws ImageException {
    return bankEntry(bank(args.get(i), pos.get(i)), 0);
  }

  // ---- programs ----

  private CodeSegment runtime() {
    if (runtime == null) {
      runtime = RuntimeLibrary.segment(kernel);
    }
    return runtime;
  }

  /**
   * The services' program-side code: streams, console, space, constructor (a yield's first steps),
   * stubs.
   */
  private CodeSegment library() throws ProgramRefusedException {
    if (library == null) {
      library = kernel.newCodeSegment(libraryJar());
    }
    return library;
  }

  private static volatile byte[] libraryJar;

  private static byte[] libraryJar() {
    byte[] j = libraryJar;
    if (j == null) {
      j =
          ClassFiles.jar(
              ClassFiles.select(
                  PipeProgram.class,
                  n ->
                      n.startsWith("jackal/services/stream/")
                          || n.startsWith("jackal/services/console/")
                          || n.startsWith("jackal/services/space/")
                          || n.startsWith("jackal/services/constructor/")
                          || n.startsWith("jackal/services/idl/")
                              && !n.equals(ServiceNames.TABLE_CLASS)));
      libraryJar = j;
    }
    return j;
  }

  /**
   * {@code load_program(bank, "file.jar", "pkg.Main" [, dataPages])}: the jar (found next to the
   * image file, then in the search path) over the services' library and the runtime library, as a
   * program space; the value has {@code space} and {@code pc}.
   */
  private Value loadProgram(List<Value> args, List<SourcePos> pos, SourcePos at)
      throws ImageException {
    bank(args.get(0), pos.get(0));
    String jarName = string(args.get(1), "the jar", pos.get(1));
    String entry = string(args.get(2), "the entry class", pos.get(2));
    long dataPages = 1;
    if (args.size() > 3) {
      if (!(args.get(3) instanceof Int i) || i.value() < 0 || i.value() > 4096) {
        throw new ImageException(pos.get(3), "data pages must be an integer 0..4096");
      }
      dataPages = i.value();
    }
    ProgramSpace ps;
    try {
      CodeSegment code;
      if (jarName.startsWith(BUILT_IN)) {
        code = builtInJar(jarName, pos.get(1));
      } else {
        Path jar = findJar(jarName, pos.get(1));
        code = jars.get(jar);
        if (code == null) {
          byte[] bytes;
          try {
            bytes = Files.readAllBytes(jar);
          } catch (IOException e) {
            throw new ImageException(pos.get(1), "cannot read " + jar + ": " + e);
          }
          code = kernel.newCodeSegment(bytes);
          capIdlNames.addAll(registerNames(jar, bytes, pos.get(1)));
          jars.put(jar, code);
        }
      }
      ps = kernel.newProgramSpace(entry, (int) dataPages, code, library(), runtime());
    } catch (ProgramRefusedException e) {
      throw new ImageException(pos.get(2), refusal(jarName, e));
    }
    return program(entry, ps.space(), ps.pc());
  }

  /** Where a program's jar carries the names of its CapIDL methods (jackal-maven-plugin). */
  static final String NAMES_RESOURCE = "META-INF/jackal/capidl-names.txt";

  /**
   * Gives the kernel's traces the names of the methods and exceptions of the program's own CapIDL
   * interfaces, from the resource the CapIDL compiler wrote into its jar ({@code method 0xCODE
   * name} and {@code exception 0xCODE name} lines), so that a trace prints {@code
   * KeyValue.put(...)} for a call to it; returns them. A jar without one has nothing to name; a
   * malformed one is an error naming the jar, the resource and the line.
   */
  static List<CapIdlName> registerNames(Path jar, byte[] bytes, SourcePos at)
      throws ImageException {
    String text;
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      ZipEntry e;
      text = null;
      while ((e = in.getNextEntry()) != null) {
        if (e.getName().equals(NAMES_RESOURCE)) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          break;
        }
      }
    } catch (IOException e) {
      throw new ImageException(at, "cannot read " + jar + ": " + e.getMessage());
    }
    if (text == null) {
      return List.of();
    }
    List<CapIdlName> names = new ArrayList<>();
    List<Integer> methodCodes = new ArrayList<>();
    List<String> methodNames = new ArrayList<>();
    List<Long> exceptionCodes = new ArrayList<>();
    List<String> exceptionNames = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(" ");
      try {
        if (f.length != 3 || !f[1].startsWith("0x") || CapIdlName.badName(f[2]) != null) {
          throw new NumberFormatException("not 'method|exception 0xCODE name'");
        }
        switch (f[0]) {
          case "method" -> {
            int code = Integer.parseUnsignedInt(f[1].substring(2), 16);
            methodCodes.add(code);
            methodNames.add(f[2]);
            names.add(new CapIdlName(false, code & 0xFFFF_FFFFL, f[2]));
          }
          case "exception" -> {
            long code = Long.parseUnsignedLong(f[1].substring(2), 16);
            exceptionCodes.add(code);
            exceptionNames.add(f[2]);
            names.add(new CapIdlName(true, code, f[2]));
          }
          default -> throw new NumberFormatException("no such kind '" + f[0] + "'");
        }
      } catch (NumberFormatException e) {
        throw new ImageException(
            at,
            jar
                + ": "
                + NAMES_RESOURCE
                + " line "
                + (i + 1)
                + " is malformed ("
                + e.getMessage()
                + "): "
                + line);
      }
    }
    CodeNames.register(
        methodCodes.stream().mapToInt(Integer::intValue).toArray(),
        methodNames.toArray(String[]::new),
        exceptionCodes.stream().mapToLong(Long::longValue).toArray(),
        exceptionNames.toArray(String[]::new));
    return names;
  }

  private static Namespace program(String entry, CapRef space, long pc) {
    Map<String, Value> m = new LinkedHashMap<>();
    // A program space is a GPT capability (guarded); the image cannot change it, only restrict it.
    m.put("space", new Cap(space, null, "GPT", 0));
    m.put("pc", new Int(pc));
    return new Namespace("program", entry, m);
  }

  /** The verifier's finding, whole: class, method, offset and what the code reached. */
  static String refusal(String what, ProgramRefusedException e) {
    StringBuilder s = new StringBuilder("program " + what + " is refused: " + e.getMessage());
    if (!e.className().isEmpty()) {
      s.append(" (class ")
          .append(e.className())
          .append(", method ")
          .append(e.method())
          .append(", offset ")
          .append(e.offset())
          .append(", reached ")
          .append(e.reached())
          .append(')');
    }
    return s.toString();
  }

  /** Jar names of the programs shipped with Jackal: {@code jackal:tour}. */
  private static final String BUILT_IN = "jackal:";

  private CodeSegment tour;

  private CodeSegment builtInJar(String name, SourcePos at)
      throws ImageException, ProgramRefusedException {
    if (!name.equals(BUILT_IN + "tour")) {
      throw new ImageException(at, "no built-in program jar " + name + " (there is jackal:tour)");
    }
    if (tour == null) {
      tour = kernel.newCodeSegment(ClassFiles.jar(ClassFiles.packageOf(Guide.class)));
    }
    return tour;
  }

  /** The directory of the image's main file: its jars are found there first. */
  private Path imageDir;

  void imageFile(Path file) {
    if (imageDir == null) {
      imageDir = file.toAbsolutePath().getParent();
    }
  }

  private Path findJar(String name, SourcePos namePos) throws ImageException {
    List<Path> tried = new ArrayList<>();
    if (imageDir != null) {
      tried.add(imageDir);
    }
    tried.addAll(searchPath);
    for (Path dir : tried) {
      Path f = dir.resolve(name);
      if (Files.isRegularFile(f)) {
        return f.toAbsolutePath().normalize();
      }
    }
    throw new ImageException(
        namePos, "program jar " + name + " not found next to the image or in " + searchPath);
  }

  private static String string(Value v, String what, SourcePos at) throws ImageException {
    if (v instanceof Str s) {
      return s.value();
    }
    throw new ImageException(at, what + " must be a string, not " + Value.a(v.typeName()));
  }

  private static Namespace programValue(Value v, SourcePos at) throws ImageException {
    if (v instanceof Namespace ns
        && ns.kind().equals("program")
        && ns.members().get("space") instanceof Cap
        && ns.members().get("pc") instanceof Int) {
      return ns;
    }
    throw new ImageException(
        at, "a program (from load_program) is needed here, not " + Value.a(v.typeName()));
  }

  static CapRef space(Namespace program) {
    return ((Cap) program.members().get("space")).ref();
  }

  static long pc(Namespace program) {
    return ((Int) program.members().get("pc")).value();
  }

  private KernelObjects objects;

  void objects(KernelObjects o) {
    this.objects = o;
  }

  /** {@code start(process, program)}: the process runs the program from boot. */
  private Value start(List<Value> args, List<SourcePos> pos, SourcePos at) throws ImageException {
    Cap p = objects.process(args.get(0), "start", pos.get(0));
    Namespace prog = programValue(args.get(1), pos.get(1));
    kernel.setSpaceAndPC(p.object(), space(prog), pc(prog));
    objects.recordField(p.object(), "addrSpace", prog.members().get("space"));
    if (!runList.contains(p.object())) {
      runList.add(p.object());
    }
    return Value.Unit.UNIT;
  }

  /**
   * {@code ProgramSpaceServer(bank, program)} / {@code VirtualCopyServer(bank, program)}: a space
   * server over the program's image, running on {@code bank}; the value has {@code facet} (the
   * space's own facet), {@code handler} and {@code program}.
   */
  private Value spaceServer(List<Value> args, List<SourcePos> pos, boolean virtualCopy)
      throws ImageException {
    CapRef bank = bankRef(args, pos, 0);
    Namespace prog = programValue(args.get(1), pos.get(1));
    SpaceServerImage s =
        virtualCopy
            ? SpaceServerImage.virtualCopy(kernel, servers(), runtime(), space(prog))
            : SpaceServerImage.programSpace(kernel, servers(), runtime(), space(prog));
    kernel.setCapReg(s.process(), CapReg.SPACEBANK, bank);
    runList.add(s.process());
    Map<String, Value> m = new LinkedHashMap<>();
    m.put("facet", cap(s.facet(), virtualCopy ? "VirtualCopySpace" : "ElfSpace"));
    m.put("handler", cap(s.handlerFacet(), "MemoryHandler"));
    m.put("program", prog);
    return new Namespace("space server", virtualCopy ? "virtual-copy" : "program-space", m);
  }

  /**
   * {@code launch(process, server)}: at boot a launcher asks the space server for its space and
   * starts {@code process} in it at the program's PC, as Coyotos's boot processes are made to run
   * in an ElfSpace. The space exists only once the server runs, so the image cannot set it itself.
   */
  private Value launch(List<Value> args, List<SourcePos> pos, SourcePos at) throws ImageException {
    Cap p = objects.process(args.get(0), "launch", pos.get(0));
    if (!(args.get(1) instanceof Namespace s && s.kind().equals("space server"))) {
      throw new ImageException(
          pos.get(1),
          "a space server (from ProgramSpaceServer or VirtualCopyServer) is needed here, not "
              + Value.a(args.get(1).typeName()));
    }
    Namespace prog = (Namespace) s.members().get("program");
    ObjectRef l = kernel.newProcess("launcher@" + at);
    try {
      if (launcher == null) {
        launcher = kernel.newCodeSegment(ClassFiles.jar(ClassFiles.packageOf(Launcher.class)));
      }
      ProgramSpace ps =
          kernel.newProgramSpace(Launcher.class.getName(), 0, launcher, library(), runtime());
      kernel.setSpaceAndPC(l, ps.space(), ps.pc());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException(refusal("launcher", e), e);
    }
    ObjectRef replyEp = kernel.newEndpoint();
    kernel.setRecipient(replyEp, l);
    kernel.setPayloadMatch(replyEp);
    kernel.setCapReg(l, CapReg.REPLYEPT, kernel.cap(replyEp));
    // The launcher reads the PC from its INITEPT's endpoint ID (capability registers hold no
    // numbers).
    ObjectRef pcHolder = kernel.newEndpoint();
    kernel.setEndpointId(pcHolder, pc(prog));
    kernel.setCapReg(l, CapReg.INITEPT, kernel.cap(pcHolder));
    kernel.setCapReg(l, Launcher.PROCESS, p.ref());
    kernel.setCapReg(l, Launcher.FACET, ((Cap) s.members().get("facet")).ref());
    runList.add(l);
    return Value.Unit.UNIT;
  }

  private CodeSegment servers() {
    if (servers == null) {
      servers = SpaceServerImage.segment(kernel);
    }
    return servers;
  }

  private StreamConstructor nullStreams;
  private StreamConstructor zeroStreams;

  /** The Null or Zero stream constructor, built the first time the image asks for it. */
  private StreamConstructor streamConstructor(boolean zero) {
    StreamConstructor c = zero ? zeroStreams : nullStreams;
    if (c == null) {
      c =
          zero
              ? StreamConstructor.zeroStreams(kernel, runtime(), servers(), meta())
              : StreamConstructor.nullStreams(kernel, runtime(), servers(), meta());
      runList.addAll(c.processes());
      if (zero) {
        zeroStreams = c;
      } else {
        nullStreams = c;
      }
    }
    return c;
  }

  MetaConstructor meta() {
    if (meta == null) {
      meta = MetaConstructor.build(kernel, runtime(), prime());
      runList.add(meta.process());
    }
    return meta;
  }
}
