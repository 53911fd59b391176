package jackal.image.eval;

import jackal.image.CapIdlName;
import jackal.image.ImageException;
import jackal.image.SourcePos;
import jackal.image.eval.Scope.Binding;
import jackal.image.eval.Value.Bool;
import jackal.image.eval.Value.Builtin;
import jackal.image.eval.Value.Cap;
import jackal.image.eval.Value.Closure;
import jackal.image.eval.Value.Int;
import jackal.image.eval.Value.Namespace;
import jackal.image.eval.Value.Slots;
import jackal.image.eval.Value.Str;
import jackal.image.eval.Value.Unit;
import jackal.image.syntax.Ast;
import jackal.image.syntax.Ast.Assign;
import jackal.image.syntax.Ast.Binary;
import jackal.image.syntax.Ast.Block;
import jackal.image.syntax.Ast.BoolLit;
import jackal.image.syntax.Ast.Call;
import jackal.image.syntax.Ast.Def;
import jackal.image.syntax.Ast.DefProc;
import jackal.image.syntax.Ast.DoWhile;
import jackal.image.syntax.Ast.EnumDef;
import jackal.image.syntax.Ast.EnumMember;
import jackal.image.syntax.Ast.ExportNames;
import jackal.image.syntax.Ast.Expr;
import jackal.image.syntax.Ast.ExprStmt;
import jackal.image.syntax.Ast.Field;
import jackal.image.syntax.Ast.Ident;
import jackal.image.syntax.Ast.If;
import jackal.image.syntax.Ast.Import;
import jackal.image.syntax.Ast.Index;
import jackal.image.syntax.Ast.IntLit;
import jackal.image.syntax.Ast.New;
import jackal.image.syntax.Ast.Print;
import jackal.image.syntax.Ast.Return;
import jackal.image.syntax.Ast.Stmt;
import jackal.image.syntax.Ast.StrLit;
import jackal.image.syntax.Ast.Unary;
import jackal.image.syntax.Ast.While;
import jackal.image.syntax.Parser;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs image-language modules. The first import of a module runs its statements once; later imports
 * get the same public namespace, which holds only the exported names. A module {@code a.b} is the
 * file {@code a/b.mki} in the first search-path directory that has it.
 */
public final class Interpreter {
  /** The default limit on nested procedure calls. */
  public static final int DEFAULT_MAX_DEPTH = 200;

  private final List<Path> searchPath;
  private final PrintStream out;
  private final int maxDepth;
  private final Scope globals = new Scope(null);
  private final Map<String, Namespace> loaded = new HashMap<>();
  private final Map<String, Scope> privateScopes = new HashMap<>();
  private final List<String> loading = new ArrayList<>();
  private final KernelObjects objects;
  private final SystemObjects system;
  private int depth;

  /** The state of one module while its statements run. */
  private record ModuleRun(String name, Scope scope, Map<String, SourcePos> exports) {}

  /** {@code return} unwinding to its procedure; it is not an error. */
  private static final class ReturnSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Value value;

    ReturnSignal(Value value) {
      super(null, null, false, false);
      this.value = value;
    }
  }

  public Interpreter(List<Path> searchPath, PrintStream out) {
    this(searchPath, out, DEFAULT_MAX_DEPTH);
  }

  public Interpreter(List<Path> searchPath, PrintStream out, int maxDepth) {
    this(searchPath, out, maxDepth, null);
  }

  /**
   * An interpreter whose {@code new}, object fields and capability builtins act on {@code kernel}
   * (a kernel made by {@link Kernel#create} and not yet booted); with a null kernel those are
   * refused.
   */
  public Interpreter(List<Path> searchPath, PrintStream out, int maxDepth, Kernel kernel) {
    this.searchPath = List.copyOf(searchPath);
    this.out = Objects.requireNonNull(out);
    this.maxDepth = maxDepth;
    defineBuiltins();
    this.system = kernel == null ? null : new SystemObjects(kernel, this.searchPath);
    this.objects = kernel == null ? null : new KernelObjects(kernel, system);
    if (objects != null) {
      objects.defineBuiltins(globals);
      system.defineBuiltins(globals);
    }
  }

  /**
   * The CapIDL method and exception names the image's program jars carry (registered with the
   * kernel's traces as each jar was loaded), for a built image file to keep.
   */
  public List<CapIdlName> capIdlNames() {
    return system == null ? List.of() : system.capIdlNames();
  }

  /** The processes the image made, in the order it made them. */
  public List<ObjectRef> processes() {
    return objects == null ? List.of() : objects.processes();
  }

  /**
   * Ends the image once its modules have run: the space bank (if the image used it) is told the
   * banks the image made and the objects each owns. Returns the boot run list: the processes given
   * a program ({@code start}, {@code launch}) and the services' processes, in the order they were
   * made runnable. Call it once, before the kernel boots.
   */
  public List<ObjectRef> finish() {
    return system == null ? List.of() : system.finish();
  }

  private void defineBuiltins() {
    SourcePos builtin = new SourcePos("<builtin>", 0, 0);
    globals.define(
        "fatal",
        new Builtin(
            "fatal",
            1,
            1,
            (args, positions, at) -> {
              throw new ImageException(at, "fatal: " + args.getFirst().show());
            }),
        true,
        builtin);
  }

  /** Runs the module in {@code file}; its path, as given, names it in error messages. */
  public Namespace runFile(Path file) throws IOException, ImageException {
    String name = file.toString();
    if (system != null) {
      system.imageFile(file);
    }
    return runSource(name, decode(Files.readAllBytes(file), new SourcePos(name, 1, 1)));
  }

  /** Runs a module held in memory; {@code fileName} names it in error messages. */
  public Namespace runSource(String fileName, String text) throws ImageException {
    Ast.Module m = Parser.parse(fileName, text);
    Namespace existing = loaded.get(m.name());
    if (existing != null) {
      return existing;
    }
    return execute(m);
  }

  private static String decode(byte[] bytes, SourcePos pos) throws ImageException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ImageException(pos, "file is not valid UTF-8");
    }
  }

  private Namespace importModule(String name, SourcePos at) throws ImageException {
    Namespace done = loaded.get(name);
    if (done != null) {
      return done;
    }
    if (loading.contains(name)) {
      List<String> cycle = new ArrayList<>(loading.subList(loading.indexOf(name), loading.size()));
      cycle.add(name);
      throw new ImageException(
          at, "module " + name + " imports itself: " + String.join(" -> ", cycle));
    }
    String relative = name.replace('.', '/') + ".mki";
    for (Path dir : searchPath) {
      Path file = dir.resolve(relative);
      if (Files.isRegularFile(file)) {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (IOException e) {
          throw new ImageException(at, "cannot read module " + name + " from " + file + ": " + e);
        }
        String fileName = file.toString();
        Ast.Module m = Parser.parse(fileName, decode(bytes, new SourcePos(fileName, 1, 1)));
        if (!m.name().equals(name)) {
          throw new ImageException(
              m.pos(),
              "file "
                  + relative
                  + " declares module "
                  + m.name()
                  + ", but was imported as "
                  + name);
        }
        return execute(m);
      }
    }
    throw new ImageException(
        at, "module " + name + " not found: no " + relative + " in the search path " + searchPath);
  }

  private Namespace execute(Ast.Module m) throws ImageException {
    loading.add(m.name());
    ModuleRun mod = new ModuleRun(m.name(), new Scope(globals), new LinkedHashMap<>());
    try {
      for (Stmt s : m.body()) {
        exec(s, mod.scope(), mod);
      }
    } finally {
      loading.removeLast();
    }
    Map<String, Value> exported = new LinkedHashMap<>();
    for (Map.Entry<String, SourcePos> e : mod.exports().entrySet()) {
      Binding b = mod.scope().local(e.getKey());
      if (b == null) {
        throw new ImageException(
            e.getValue(), "cannot export '" + e.getKey() + "': it is not defined in this module");
      }
      exported.put(e.getKey(), b.value());
    }
    Namespace ns = new Namespace("module", m.name(), Collections.unmodifiableMap(exported));
    loaded.put(m.name(), ns);
    privateScopes.put(m.name(), mod.scope());
    return ns;
  }

  // ---- statements ----

  private Value exec(Stmt s, Scope scope, ModuleRun mod) throws ImageException {
    switch (s) {
      case Def d -> {
        Value v = eval(d.value(), scope, mod);
        define(scope, d.name(), v, false, d.pos());
        if (objects != null && scope == mod.scope()) {
          objects.nameAfterDefinition(v, d.name());
        }
        if (d.exported()) {
          mod.exports().put(d.name(), d.pos());
        }
        return Unit.UNIT;
      }
      case DefProc p -> {
        define(
            scope,
            p.name(),
            new Closure(p.name(), p.params(), p.body(), scope, p.pos()),
            false,
            p.pos());
        if (p.exported()) {
          mod.exports().put(p.name(), p.pos());
        }
        return Unit.UNIT;
      }
      case EnumDef e -> {
        enumeration(e, scope, mod);
        return Unit.UNIT;
      }
      case ExportNames x -> {
        for (int i = 0; i < x.names().size(); i++) {
          mod.exports().putIfAbsent(x.names().get(i), x.namePositions().get(i));
        }
        return Unit.UNIT;
      }
      case Import i -> {
        Namespace ns = importModule(i.module(), i.modulePos());
        define(scope, i.local(), ns, true, i.pos());
        return Unit.UNIT;
      }
      case If i -> {
        if (truth(i.cond(), scope, mod)) {
          return eval(i.then(), scope, mod);
        }
        return i.otherwise() == null ? Unit.UNIT : exec(i.otherwise(), scope, mod);
      }
      case While w -> {
        Value last = Unit.UNIT;
        while (truth(w.cond(), scope, mod)) {
          last = eval(w.body(), scope, mod);
        }
        return last;
      }
      case DoWhile w -> {
        Value last;
        do {
          last = eval(w.body(), scope, mod);
        } while (truth(w.cond(), scope, mod));
        return last;
      }
      case Return r -> throw new ReturnSignal(eval(r.value(), scope, mod));
      case Print p -> {
        Value v = eval(p.value(), scope, mod);
        if (p.fields() && objects != null && v instanceof Cap c) {
          objects.describe(c).forEach(out::println);
        } else if (p.fields() && v instanceof Namespace ns) {
          out.println(ns.show());
          ns.members().forEach((k, mv) -> out.println("  " + k + " = " + mv.show()));
        } else {
          out.println(v.show());
        }
        return Unit.UNIT;
      }
      case Assign a -> {
        assign(a, scope, mod);
        return Unit.UNIT;
      }
      case ExprStmt e -> {
        return eval(e.expr(), scope, mod);
      }
    }
  }

  private static void define(Scope scope, String name, Value v, boolean constant, SourcePos at)
      throws ImageException {
    Binding prior = scope.local(name);
    if (prior != null) {
      throw new ImageException(
          at, "'" + name + "' is already defined in this scope, at " + prior.definedAt());
    }
    scope.define(name, v, constant, at);
  }

  private void enumeration(EnumDef e, Scope scope, ModuleRun mod) throws ImageException {
    Map<String, Value> members = new LinkedHashMap<>();
    long next = 0;
    for (EnumMember m : e.members()) {
      long v = m.value() == null ? next : constant(m.value(), members, scope);
      members.put(m.name(), new Int(v));
      next = v + 1;
    }
    String what = e.capreg() ? "capreg" : "enum";
    if (e.name() != null) {
      define(
          scope,
          e.name(),
          new Namespace(what, e.name(), Collections.unmodifiableMap(members)),
          true,
          e.pos());
      if (e.exported()) {
        mod.exports().put(e.name(), e.pos());
      }
      return;
    }
    for (EnumMember m : e.members()) {
      define(scope, m.name(), members.get(m.name()), true, m.pos());
      if (e.exported()) {
        mod.exports().put(m.name(), m.pos());
      }
    }
  }

  /**
   * An enumeration member's value: only integers, arithmetic, negation and constants defined
   * earlier (members of this enumeration, or enumeration constants in scope), so that the value
   * never depends on running the image.
   */
  private long constant(Expr e, Map<String, Value> earlier, Scope scope) throws ImageException {
    switch (e) {
      case IntLit i -> {
        return i.value();
      }
      case Unary u when u.op().equals("-") -> {
        return -constant(u.operand(), earlier, scope);
      }
      case Binary b when List.of("+", "-", "*", "/", "%").contains(b.op()) -> {
        return arithmetic(
            b.op(),
            constant(b.left(), earlier, scope),
            constant(b.right(), earlier, scope),
            b.pos());
      }
      case Ident i -> {
        if (earlier.get(i.name()) instanceof Int v) {
          return v.value();
        }
        Binding b = scope.lookup(i.name());
        if (b == null) {
          throw unknown(i, scope);
        }
        if (b.constant() && b.value() instanceof Int v) {
          return v.value();
        }
        throw new ImageException(
            i.pos(),
            "'"
                + i.name()
                + "' is not an enumeration constant, so an enumeration value"
                + " cannot use it");
      }
      case Field f -> {
        Value v = constantNamespaceMember(f, scope);
        if (v instanceof Int i) {
          return i.value();
        }
        throw new ImageException(
            f.pos(),
            "'" + f.name() + "' is " + Value.a(v.typeName()) + ", not an integer constant");
      }
      default ->
          throw new ImageException(
              e instanceof Call c ? c.callee().pos() : e.pos(),
              "an enumeration value may use only integers, arithmetic and earlier constants");
    }
  }

  private Value constantNamespaceMember(Field f, Scope scope) throws ImageException {
    Value target;
    if (f.target() instanceof Ident i) {
      Binding b = scope.lookup(i.name());
      if (b == null) {
        throw unknown(i, scope);
      }
      target = b.value();
    } else if (f.target() instanceof Field inner) {
      target = constantNamespaceMember(inner, scope);
    } else {
      throw new ImageException(
          f.target().pos(),
          "an enumeration value may use only integers, arithmetic and earlier constants");
    }
    return member(target, f);
  }

  /**
   * The error for a name nothing binds. Since a hyphen continues a name, {@code x-1} is one name;
   * when its first part is bound, the message says how to subtract.
   */
  private static ImageException unknown(Ident i, Scope scope) {
    String name = i.name();
    int dash = name.indexOf('-');
    if (dash > 0 && scope.lookup(name.substring(0, dash)) != null) {
      String spaced = name.replace("-", " - ");
      return new ImageException(
          i.pos(),
          "unknown identifier '"
              + name
              + "' (a '-' inside a name is part of it: write '"
              + spaced
              + "' to subtract)");
    }
    return new ImageException(i.pos(), "unknown identifier '" + name + "'");
  }

  private void assign(Assign a, Scope scope, ModuleRun mod) throws ImageException {
    switch (a.target()) {
      case Ident i -> {
        Binding b = scope.lookup(i.name());
        if (b == null) {
          throw unknown(i, scope);
        }
        if (b.constant()) {
          throw new ImageException(
              i.pos(),
              "cannot assign to '" + i.name() + "': it is a constant, defined at " + b.definedAt());
        }
        b.set(eval(a.value(), scope, mod));
      }
      case Field f -> {
        Value target = eval(f.target(), scope, mod);
        if (objects != null && (target instanceof Cap || target instanceof Slots)) {
          Value v = eval(a.value(), scope, mod);
          kernelCall(
              f.pos(), () -> objects.setField(target, f.name(), v, f.pos(), a.value().pos()));
          return;
        }
        if (target instanceof Namespace ns) {
          throw new ImageException(
              f.pos(),
              "cannot assign to '"
                  + f.name()
                  + "' of "
                  + ns.kind()
                  + " "
                  + ns.name()
                  + ": its names are read-only");
        }
        throw new ImageException(
            f.pos(),
            "cannot assign to field '"
                + f.name()
                + "': "
                + Value.a(target.typeName())
                + " has no fields");
      }
      case Index x -> {
        Value target = eval(x.target(), scope, mod);
        Slots slots = objects == null ? null : objects.slotsOf(target);
        if (slots != null) {
          Value index = eval(x.index(), scope, mod);
          Value v = eval(a.value(), scope, mod);
          kernelCall(x.pos(), () -> objects.setSlot(slots, index, v, x.pos(), a.value().pos()));
          return;
        }
        throw new ImageException(
            x.pos(), "cannot assign to a slot of " + Value.a(target.typeName()));
      }
      default -> throw new ImageException(a.target().pos(), "cannot assign to this expression");
    }
  }

  private boolean truth(Expr cond, Scope scope, ModuleRun mod) throws ImageException {
    Value v = eval(cond, scope, mod);
    return switch (v) {
      case Bool b -> b.value();
      case Int i -> i.value() != 0;
      default ->
          throw new ImageException(
              cond.pos(),
              "a condition must be an integer or a boolean, not " + Value.a(v.typeName()));
    };
  }

  // ---- expressions ----

  private Value eval(Expr e, Scope scope, ModuleRun mod) throws ImageException {
    switch (e) {
      case IntLit i -> {
        return new Int(i.value());
      }
      case StrLit s -> {
        return new Str(s.value());
      }
      case BoolLit b -> {
        return new Bool(b.value());
      }
      case Ident i -> {
        Binding b = scope.lookup(i.name());
        if (b == null) {
          throw unknown(i, scope);
        }
        return b.value();
      }
      case Block b -> {
        Scope inner = new Scope(scope);
        Value last = Unit.UNIT;
        for (Stmt s : b.body()) {
          last = exec(s, inner, mod);
        }
        return last;
      }
      case Unary u -> {
        Value v = eval(u.operand(), scope, mod);
        if (u.op().equals("-") && v instanceof Int i) {
          return new Int(-i.value());
        }
        if (u.op().equals("!") && (v instanceof Bool || v instanceof Int)) {
          return new Bool(!(v instanceof Bool b ? b.value() : ((Int) v).value() != 0));
        }
        throw new ImageException(
            u.pos(),
            "operator '"
                + u.op()
                + "' needs "
                + (u.op().equals("-") ? "an integer" : "an integer or a boolean")
                + ", not "
                + Value.a(v.typeName()));
      }
      case Binary b -> {
        return binary(b, eval(b.left(), scope, mod), eval(b.right(), scope, mod));
      }
      case Call c -> {
        return call(c, scope, mod);
      }
      case Field f -> {
        return member(eval(f.target(), scope, mod), f);
      }
      case Index x -> {
        Value target = eval(x.target(), scope, mod);
        Slots slots = objects == null ? null : objects.slotsOf(target);
        if (slots != null) {
          return objects.getSlot(slots, eval(x.index(), scope, mod), x.pos());
        }
        throw new ImageException(
            x.pos(), "cannot index " + Value.a(target.typeName()) + ": it has no slots");
      }
      case New n -> {
        Value bank = eval(n.bank(), scope, mod);
        if (objects != null) {
          Value[] made = new Value[1];
          kernelCall(
              n.pos(), () -> made[0] = objects.allocate(n.kind(), bank, n.pos(), n.bank().pos()));
          return made[0];
        }
        throw new ImageException(
            n.pos(),
            "'new "
                + n.kind()
                + "' is not supported yet: this interpreter has no"
                + " kernel objects");
      }
    }
  }

  private Value member(Value target, Field f) throws ImageException {
    if (objects != null && target instanceof Cap) {
      return objects.getField(target, f.name(), f.pos());
    }
    if (target instanceof Namespace ns) {
      Value v = ns.members().get(f.name());
      if (v != null) {
        return v;
      }
      if (ns.kind().equals("module")) {
        Scope inside = privateScopes.get(ns.name());
        if (inside != null && inside.local(f.name()) != null) {
          throw new ImageException(
              f.pos(), "'" + f.name() + "' is not exported by module " + ns.name());
        }
        throw new ImageException(
            f.pos(), "module " + ns.name() + " has no symbol '" + f.name() + "'");
      }
      throw new ImageException(
          f.pos(), ns.kind() + " " + ns.name() + " has no member '" + f.name() + "'");
    }
    throw new ImageException(
        f.pos(), Value.a(target.typeName()) + " has no field '" + f.name() + "'");
  }

  private static Value binary(Binary b, Value l, Value r) throws ImageException {
    String op = b.op();
    switch (op) {
      case "==", "!=" -> {
        if (l.getClass() != r.getClass()) {
          throw new ImageException(
              b.pos(),
              "cannot compare " + Value.a(l.typeName()) + " with " + Value.a(r.typeName()));
        }
        return new Bool(l.equals(r) == op.equals("=="));
      }
      case "<", ">", "<=", ">=" -> {
        if (l instanceof Int x && r instanceof Int y) {
          int c = Long.compare(x.value(), y.value());
          return new Bool(
              switch (op) {
                case "<" -> c < 0;
                case ">" -> c > 0;
                case "<=" -> c <= 0;
                default -> c >= 0;
              });
        }
        throw new ImageException(
            b.pos(),
            "operator '"
                + op
                + "' needs two integers, not "
                + Value.a(l.typeName())
                + " and "
                + Value.a(r.typeName()));
      }
      default -> {
        if (l instanceof Int x && r instanceof Int y) {
          return new Int(arithmetic(op, x.value(), y.value(), b.pos()));
        }
        if (op.equals("+") && l instanceof Str x && r instanceof Str y) {
          return new Str(x.value() + y.value());
        }
        throw new ImageException(
            b.pos(),
            "operator '"
                + op
                + "' needs two integers"
                + (op.equals("+") ? " or two strings" : "")
                + ", not "
                + Value.a(l.typeName())
                + " and "
                + Value.a(r.typeName()));
      }
    }
  }

  private static long arithmetic(String op, long x, long y, SourcePos at) throws ImageException {
    return switch (op) {
      case "+" -> x + y;
      case "-" -> x - y;
      case "*" -> x * y;
      case "/", "%" -> {
        if (y == 0) {
          throw new ImageException(at, (op.equals("/") ? "division" : "remainder") + " by zero");
        }
        yield op.equals("/") ? x / y : x % y;
      }
      default -> throw new IllegalStateException("not an arithmetic operator: " + op);
    };
  }

  private Value call(Call c, Scope scope, ModuleRun mod) throws ImageException {
    Value callee = eval(c.callee(), scope, mod);
    String name = calleeName(c.callee());
    List<Value> args = new ArrayList<>();
    List<SourcePos> positions = new ArrayList<>();
    for (Expr a : c.args()) {
      args.add(eval(a, scope, mod));
      positions.add(a.pos());
    }
    switch (callee) {
      case Closure f -> {
        if (args.size() != f.params().size()) {
          throw new ImageException(
              c.callee().pos(),
              "procedure '"
                  + f.name()
                  + "' takes "
                  + count(f.params().size())
                  + ", given "
                  + args.size());
        }
        if (depth >= maxDepth) {
          throw new ImageException(
              c.callee().pos(),
              "calls nested more than "
                  + maxDepth
                  + " deep (runaway recursion?) calling '"
                  + f.name()
                  + "'");
        }
        Scope frame = new Scope(f.scope());
        for (int i = 0; i < args.size(); i++) {
          frame.define(f.params().get(i), args.get(i), false, positions.get(i));
        }
        depth++;
        try {
          return eval(f.body(), frame, mod);
        } catch (ReturnSignal r) {
          return r.value;
        } finally {
          depth--;
        }
      }
      case Builtin f -> {
        if (args.size() < f.minArgs() || args.size() > f.maxArgs()) {
          String wanted =
              f.minArgs() == f.maxArgs()
                  ? count(f.minArgs())
                  : f.minArgs() + " to " + f.maxArgs() + " arguments";
          throw new ImageException(
              c.callee().pos(),
              "builtin '" + f.name() + "' takes " + wanted + ", given " + args.size());
        }
        try {
          return f.body().apply(List.copyOf(args), List.copyOf(positions), c.callee().pos());
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw new ImageException(c.callee().pos(), "the kernel refused: " + e.getMessage());
        }
      }
      default ->
          throw new ImageException(
              c.callee().pos(),
              "cannot call "
                  + (name == null ? "" : "'" + name + "', ")
                  + Value.a(callee.typeName()));
    }
  }

  /** An action on the kernel's boot API, whose refusals become positioned errors. */
  @FunctionalInterface
  private interface KernelAction {
    void run() throws ImageException;
  }

  private static void kernelCall(SourcePos at, KernelAction action) throws ImageException {
    try {
      action.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ImageException(at, "the kernel refused: " + e.getMessage());
    }
  }

  private static String count(int n) {
    return n == 1 ? "1 argument" : n + " arguments";
  }

  private static String calleeName(Expr callee) {
    return switch (callee) {
      case Ident i -> i.name();
      case Field f -> f.name();
      default -> null;
    };
  }
}
