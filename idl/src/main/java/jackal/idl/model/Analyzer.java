package jackal.idl.model;

import jackal.idl.IdlException;
import jackal.idl.SourcePos;
import jackal.idl.layout.WireLayout;
import jackal.idl.syntax.Ast;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a {@link Model} from syntax trees: enters every declaration in its scope, links interfaces
 * to their bases, resolves names, evaluates constants and enum values, checks the rules of the
 * language and computes each method's layout. Stops at the first error.
 *
 * <p>A name is looked up in the current scope (an interface's own and inherited members), then each
 * enclosing scope out to the package; failing that it is read as fully qualified (the longest
 * leading part that names a package, then members). The name {@code Cap}, if nothing declares it,
 * is the built-in "any capability" type.
 */
final class Analyzer {
  private final Map<String, IdlPackage> packages = new LinkedHashMap<>();
  private final Map<String, Decl> symbols = new LinkedHashMap<>();
  private final Map<Decl, Object> nodes = new IdentityHashMap<>();
  private final Map<InterfaceDef, List<Ast.Inherits>> inherits = new IdentityHashMap<>();
  private final List<Decl> order = new ArrayList<>();
  private final Set<Decl> inProgress = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
  private final Set<Decl> done = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

  Model run(List<Ast.Unit> units) throws IdlException {
    for (Ast.Unit u : units) {
      IdlPackage pkg = packages.computeIfAbsent(u.packageName().dotted(), IdlPackage::new);
      for (Ast.Decl d : u.decls()) {
        enter(d, pkg);
      }
    }
    for (IdlPackage p : packages.values()) {
      Decl clash = symbols.get(p.name());
      if (clash != null) {
        throw new IdlException(
            clash.pos(), "'" + p.name() + "' names both a package and " + a(clash.kind()));
      }
    }
    List<InterfaceDef> ifaces =
        order.stream()
            .filter(InterfaceDef.class::isInstance)
            .map(InterfaceDef.class::cast)
            .toList();
    for (InterfaceDef i : ifaces) {
      linkBase(i);
    }
    for (InterfaceDef i : ifaces) {
      checkCycle(i);
    }
    for (InterfaceDef i : ifaces) {
      checkInheritedNames(i);
    }
    for (Decl d : order) {
      complete(d);
    }
    for (InterfaceDef i : ifaces) {
      for (Ast.Inherits n : inherits.getOrDefault(i, List.of())) {
        Optional<MethodDef> m =
            i.rawBase() == null ? Optional.empty() : i.rawBase().method(n.name());
        if (m.isEmpty()) {
          throw new IdlException(
              n.pos(),
              "'" + n.name() + "' is not a method inherited by interface '" + i.name() + "'");
        }
        i.addInherits(m.get());
      }
    }
    for (Decl d : order) {
      if (d instanceof StructDef s) {
        checkStructRecursion(s, new ArrayList<>());
      }
    }
    for (Decl d : order) {
      validate(d);
    }
    for (Decl d : order) {
      if (d instanceof MethodDef m && !m.isClient()) {
        m.setLayout(WireLayout.of(m));
      } else if (d instanceof ExceptionDef e) {
        WireLayout.of(e);
      }
    }
    return new Model(packages, symbols);
  }

  // ---- entering declarations

  private void enter(Ast.Decl node, Scope scope) throws IdlException {
    if (node instanceof Ast.Inherits in) {
      inherits.computeIfAbsent((InterfaceDef) scope, k -> new ArrayList<>()).add(in);
      return;
    }
    Decl d =
        switch (node) {
          case Ast.Interface n ->
              new InterfaceDef(n.name(), n.pos(), n.doc(), scope, n.isAbstract());
          case Ast.Method n ->
              new MethodDef(
                  n.name(),
                  n.pos(),
                  n.doc(),
                  (InterfaceDef) scope,
                  n.oneway(),
                  n.client(),
                  n.nostub());
          case Ast.ExceptionDecl n -> new ExceptionDef(n.name(), n.pos(), n.doc(), scope);
          case Ast.Typedef n -> new TypedefDef(n.name(), n.pos(), n.doc(), scope);
          case Ast.EnumDecl n -> new EnumDef(n.name(), n.pos(), n.doc(), scope, n.bitset());
          case Ast.Struct n -> new StructDef(n.name(), n.pos(), n.doc(), scope);
          case Ast.Const n -> new ConstDef(n.name(), n.pos(), n.doc(), scope);
          case Ast.Inherits n -> throw new IllegalStateException();
        };
    declare(scope, d);
    nodes.put(d, node);
    order.add(d);
    if (node instanceof Ast.Interface n) {
      for (Ast.Decl m : n.members()) {
        enter(m, (InterfaceDef) d);
      }
    } else if (node instanceof Ast.EnumDecl n) {
      EnumDef e = (EnumDef) d;
      for (Ast.EnumMember m : n.members()) {
        EnumMember em = new EnumMember(m.name(), m.pos(), m.doc(), e);
        declare(e, em);
        nodes.put(em, m);
      }
    }
  }

  private void declare(Scope scope, Decl d) throws IdlException {
    Optional<? extends Decl> old =
        switch (scope) {
          case InterfaceDef i -> i.ownMember(d.name());
          default -> scope.member(d.name());
        };
    if (old.isPresent()) {
      throw new IdlException(
          d.pos(),
          "duplicate declaration of '"
              + d.name()
              + "' in "
              + describe(scope)
              + " (first declared at "
              + old.get().pos()
              + ")");
    }
    switch (scope) {
      case IdlPackage p -> p.add(d);
      case InterfaceDef i -> i.add(d);
      case EnumDef e -> e.add((EnumMember) d);
    }
    symbols.put(d.qualifiedName(), d);
  }

  /** A kind with its indefinite article: "an exception", "a typedef". */
  private static String a(String kind) {
    return ("aeiou".indexOf(kind.charAt(0)) >= 0 ? "an " : "a ") + kind;
  }

  private static String describe(Scope s) {
    return switch (s) {
      case IdlPackage p -> "package " + p.name();
      case Decl d -> d.kind() + " " + d.qualifiedName();
    };
  }

  // ---- interfaces

  private void linkBase(InterfaceDef i) throws IdlException {
    Ast.Interface n = (Ast.Interface) nodes.get(i);
    if (n.base() == null) {
      return;
    }
    Decl d = find(n.base(), i.scope());
    if (d == null) {
      throw new IdlException(n.base().pos(), "unknown interface '" + n.base() + "'");
    }
    if (!(d instanceof InterfaceDef b)) {
      throw new IdlException(
          n.base().pos(), "'" + n.base() + "' is " + a(d.kind()) + ", not an interface");
    }
    i.setBase(b);
  }

  private void checkCycle(InterfaceDef i) throws IdlException {
    Set<InterfaceDef> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    for (InterfaceDef j = i; j != null; j = j.rawBase()) {
      if (!seen.add(j)) {
        Ast.Interface n = (Ast.Interface) nodes.get(i);
        throw new IdlException(
            n.base().pos(), "interface '" + i.name() + "' extends itself (inheritance cycle)");
      }
    }
  }

  private void checkInheritedNames(InterfaceDef i) throws IdlException {
    InterfaceDef base = i.rawBase();
    if (base == null) {
      return;
    }
    for (Decl d : i.declaredMembers()) {
      Optional<Decl> old = base.member(d.name());
      if (old.isPresent()) {
        throw new IdlException(
            d.pos(),
            "'"
                + d.name()
                + "' is already declared in "
                + old.get().scope().qualifiedName()
                + ", which interface '"
                + i.name()
                + "' extends (at "
                + old.get().pos()
                + ")");
      }
    }
  }

  // ---- completing declarations

  private void complete(Decl d) throws IdlException {
    if (done.contains(d)) {
      return;
    }
    switch (d) {
      case TypedefDef t -> typedefType(t);
      case ConstDef c -> constValue(c);
      case EnumDef e -> enumValues(e);
      case StructDef s -> {
        Ast.Struct n = (Ast.Struct) nodes.get(s);
        s.setFields(fields(n.fields(), s.scope(), "struct '" + s.name() + "'"));
      }
      case ExceptionDef e -> {
        Ast.ExceptionDecl n = (Ast.ExceptionDecl) nodes.get(e);
        e.setFields(fields(n.fields(), e.scope(), "exception '" + e.name() + "'"));
      }
      case InterfaceDef i -> {
        Ast.Interface n = (Ast.Interface) nodes.get(i);
        i.setDeclaredRaises(exceptions(n.raises(), i));
      }
      case MethodDef m -> method(m);
      case EnumMember em -> enumValues(em.owner());
    }
    done.add(d);
  }

  private List<Field> fields(List<Ast.Field> nodes, Scope scope, String owner) throws IdlException {
    List<Field> out = new ArrayList<>();
    Map<String, Ast.Field> seen = new HashMap<>();
    for (Ast.Field f : nodes) {
      Ast.Field old = seen.put(f.name(), f);
      if (old != null) {
        throw new IdlException(
            f.pos(),
            "duplicate declaration of field '"
                + f.name()
                + "' in "
                + owner
                + " (first declared at "
                + old.pos()
                + ")");
      }
      out.add(new Field(f.name(), type(f.type(), scope), f.pos(), f.doc()));
    }
    return out;
  }

  private List<ExceptionDef> exceptions(List<Ast.QName> names, Scope scope) throws IdlException {
    List<ExceptionDef> out = new ArrayList<>();
    for (Ast.QName q : names) {
      Decl d = find(q, scope);
      if (d == null) {
        throw new IdlException(q.pos(), "unknown exception '" + q + "'");
      }
      if (!(d instanceof ExceptionDef e)) {
        throw new IdlException(
            q.pos(),
            "'" + q + "' is " + a(d.kind()) + ", not an exception: raises lists exceptions");
      }
      if (!out.contains(e)) {
        out.add(e);
      }
    }
    return out;
  }

  private void method(MethodDef m) throws IdlException {
    Ast.Method n = (Ast.Method) nodes.get(m);
    InterfaceDef owner = m.declarer();
    Type ret = type(n.returnType(), owner);
    if (m.isOneway() && !(ret instanceof Type.VoidType)) {
      throw new IdlException(
          n.returnType().pos(),
          "oneway method '" + m.name() + "' cannot return a value (it returns " + ret.idl() + ")");
    }
    List<Param> params = new ArrayList<>();
    Map<String, Ast.Param> seen = new HashMap<>();
    for (Ast.Param p : n.params()) {
      Ast.Param old = seen.put(p.name(), p);
      if (old != null) {
        throw new IdlException(
            p.pos(),
            "duplicate parameter '"
                + p.name()
                + "' of method '"
                + m.name()
                + "' (first declared at "
                + old.pos()
                + ")");
      }
      if (m.isOneway() && p.out()) {
        throw new IdlException(
            p.pos(),
            "oneway method '" + m.name() + "' cannot have out parameter '" + p.name() + "'");
      }
      Type t = type(p.type(), owner);
      params.add(
          new Param(
              p.name(),
              t,
              p.out() ? Param.Direction.OUT : Param.Direction.IN,
              p.pos(),
              params.size(),
              false));
    }
    m.setSignature(ret, n.returnType().pos(), params);
    m.setDeclaredRaises(exceptions(n.raises(), owner));
  }

  // ---- names

  /** The declaration {@code q} names from {@code from}, or null. */
  private Decl find(Ast.QName q, Scope from) {
    List<String> parts = q.parts();
    for (Scope s = from; s != null; s = outer(s)) {
      Optional<? extends Decl> d = s.member(parts.getFirst());
      if (d.isPresent()) {
        return walk(d.get(), parts, 1);
      }
    }
    for (int k = parts.size() - 1; k >= 1; k--) {
      IdlPackage p = packages.get(String.join(".", parts.subList(0, k)));
      if (p != null) {
        Optional<Decl> d = p.member(parts.get(k));
        if (d.isPresent()) {
          return walk(d.get(), parts, k + 1);
        }
      }
    }
    return null;
  }

  private static Scope outer(Scope s) {
    return s instanceof Decl d ? d.scope() : null;
  }

  private static Decl walk(Decl d, List<String> parts, int from) {
    for (int i = from; i < parts.size(); i++) {
      if (!(d instanceof Scope s)) {
        return null;
      }
      Optional<? extends Decl> m = s.member(parts.get(i));
      if (m.isEmpty()) {
        return null;
      }
      d = m.get();
    }
    return d;
  }

  // ---- types

  private Type type(Ast.TypeRef t, Scope scope) throws IdlException {
    return switch (t) {
      case Ast.Primitive p ->
          switch (p.kind()) {
            case VOID -> Type.VOID;
            case BOOLEAN -> Type.BOOLEAN;
            case INTEGER -> new Type.IntType(p.bits(), p.signed());
            case CHAR -> new Type.CharType(8, false);
            case WCHAR -> new Type.CharType(p.bits(), true);
            case FLOAT -> new Type.FloatType(p.bits());
          };
      case Ast.Named n -> named(n.name(), scope);
      case Ast.Sequence s ->
          new Type.SequenceType(
              element(s.element(), scope), count(s.bound(), scope, "sequence bound"));
      case Ast.Array a ->
          new Type.ArrayType(element(a.element(), scope), count(a.length(), scope, "array length"));
      case Ast.Str s ->
          new Type.StringType(s.bound() == null ? -1 : count(s.bound(), scope, "string bound"));
    };
  }

  private Type element(Ast.TypeRef t, Scope scope) throws IdlException {
    Type e = type(t, scope);
    if (e instanceof Type.VoidType) {
      throw new IdlException(t.pos(), "'void' cannot be an element type");
    }
    return e;
  }

  private Type named(Ast.QName q, Scope scope) throws IdlException {
    Decl d = find(q, scope);
    if (d == null) {
      if (q.parts().equals(List.of("Cap"))) {
        return new Type.CapType(null);
      }
      throw new IdlException(q.pos(), "unknown type '" + q + "'");
    }
    return switch (d) {
      case InterfaceDef i -> new Type.CapType(i);
      case TypedefDef td -> {
        typedefType(td);
        yield new Type.AliasType(td);
      }
      case EnumDef e -> new Type.EnumType(e);
      case StructDef s -> new Type.StructType(s);
      default ->
          throw new IdlException(
              q.pos(), "'" + q + "' is " + a(d.kind()) + " (at " + d.pos() + "), not a type");
    };
  }

  private Type typedefType(TypedefDef td) throws IdlException {
    if (td.type() != null) {
      return td.type();
    }
    if (!inProgress.add(td)) {
      throw new IdlException(td.pos(), "typedef '" + td.name() + "' refers to itself");
    }
    Ast.Typedef n = (Ast.Typedef) nodes.get(td);
    td.setType(type(n.type(), td.scope()));
    inProgress.remove(td);
    return td.type();
  }

  // ---- constants

  private long count(Ast.Expr e, Scope scope, String what) throws IdlException {
    BigInteger v = eval(e, scope);
    if (v.signum() <= 0 || v.bitLength() > 31) {
      throw new IdlException(
          start(e), "the " + what + " must be between 1 and " + Integer.MAX_VALUE + ", not " + v);
    }
    return v.longValue();
  }

  private BigInteger constValue(ConstDef c) throws IdlException {
    if (c.value() != null) {
      return c.value();
    }
    if (!inProgress.add(c)) {
      throw new IdlException(c.pos(), "constant '" + c.name() + "' depends on itself");
    }
    Ast.Const n = (Ast.Const) nodes.get(c);
    Type t = type(n.type(), c.scope());
    c.setType(t);
    BigInteger v = eval(n.value(), c.scope());
    Type r = t.resolved();
    Type.IntType range =
        switch (r) {
          case Type.IntType i -> i;
          case Type.BoolType b -> new Type.IntType(8, false);
          case Type.EnumType e -> {
            enumValues(e.def());
            yield e.def().base();
          }
          case Type.CharType ch -> new Type.IntType(ch.bits(), false);
          default ->
              throw new IdlException(
                  n.type().pos(),
                  "constant '"
                      + c.name()
                      + "' must have an integer, boolean, char or enum type, not "
                      + t.idl());
        };
    boolean fits =
        r instanceof Type.BoolType
            ? v.signum() >= 0 && v.compareTo(BigInteger.ONE) <= 0
            : range.contains(v);
    if (!fits) {
      String bounds =
          r instanceof Type.BoolType ? "true or false" : range.min() + ".." + range.max();
      throw new IdlException(
          start(n.value()),
          "value "
              + v
              + " is out of range for constant '"
              + c.name()
              + "' of type "
              + t.idl()
              + " ("
              + bounds
              + ")");
    }
    c.setValue(v);
    inProgress.remove(c);
    return v;
  }

  private void enumValues(EnumDef e) throws IdlException {
    if (done.contains(e)) {
      return;
    }
    if (!inProgress.add(e)) {
      throw new IdlException(e.pos(), e.kind() + " '" + e.name() + "' depends on itself");
    }
    Ast.EnumDecl n = (Ast.EnumDecl) nodes.get(e);
    if (n.base() != null) {
      Type b = type(n.base(), e.scope());
      if (!(b.resolved() instanceof Type.IntType it)) {
        throw new IdlException(
            n.base().pos(),
            "the base type of "
                + e.kind()
                + " '"
                + e.name()
                + "' must be an integer type, not "
                + b.idl());
      }
      e.setBase(it);
    } else if (e.isBitset()) {
      e.setBase(Type.IntType.UNSIGNED_LONG);
    }
    BigInteger prev = null;
    for (EnumMember m : e.members()) {
      Ast.EnumMember mn = (Ast.EnumMember) nodes.get(m);
      BigInteger v;
      SourcePos at;
      if (mn.value() != null) {
        v = eval(mn.value(), e);
        at = start(mn.value());
      } else {
        at = mn.pos();
        if (prev == null) {
          v = e.isBitset() ? BigInteger.ONE : BigInteger.ZERO;
        } else if (e.isBitset()) {
          v = prev.signum() <= 0 ? BigInteger.ONE : BigInteger.ONE.shiftLeft(prev.bitLength());
        } else {
          v = prev.add(BigInteger.ONE);
        }
      }
      if (!e.base().contains(v)) {
        throw new IdlException(
            at,
            "value "
                + v
                + " of "
                + e.kind()
                + " member '"
                + m.name()
                + "' does not fit the base type "
                + e.base().idl()
                + " ("
                + e.base().min()
                + ".."
                + e.base().max()
                + ")");
      }
      m.setValue(v);
      prev = v;
    }
    inProgress.remove(e);
    done.add(e);
  }

  private BigInteger eval(Ast.Expr e, Scope scope) throws IdlException {
    return switch (e) {
      case Ast.Literal l -> l.value();
      case Ast.BoolLiteral b -> b.value() ? BigInteger.ONE : BigInteger.ZERO;
      case Ast.NameRef r -> {
        Decl d = find(r.name(), scope);
        if (d == null) {
          throw new IdlException(r.pos(), "unknown constant '" + r.name() + "'");
        }
        yield switch (d) {
          case ConstDef c -> constValue(c);
          case EnumMember m -> {
            if (m.value() == null) {
              if (inProgress.contains(m.owner())) {
                throw new IdlException(
                    r.pos(), "'" + r.name() + "' is used before its value is known");
              }
              enumValues(m.owner());
            }
            yield m.value();
          }
          default ->
              throw new IdlException(
                  r.pos(), "'" + r.name() + "' is " + a(d.kind()) + ", not a constant");
        };
      }
      case Ast.Unary u -> {
        BigInteger v = eval(u.operand(), scope);
        yield switch (u.op()) {
          case "-" -> v.negate();
          case "~" -> v.not();
          default -> v;
        };
      }
      case Ast.Binary b -> {
        BigInteger l = eval(b.left(), scope);
        BigInteger r = eval(b.right(), scope);
        yield switch (b.op()) {
          case "+" -> l.add(r);
          case "-" -> l.subtract(r);
          case "*" -> l.multiply(r);
          case "/", "%" -> {
            if (r.signum() == 0) {
              throw new IdlException(b.pos(), "division by zero");
            }
            yield b.op().equals("/") ? l.divide(r) : l.remainder(r);
          }
          case "<<", ">>" -> {
            if (r.signum() < 0 || r.compareTo(BigInteger.valueOf(64)) > 0) {
              throw new IdlException(b.pos(), "shift count " + r + " is outside 0..64");
            }
            yield b.op().equals("<<") ? l.shiftLeft(r.intValue()) : l.shiftRight(r.intValue());
          }
          case "&" -> l.and(r);
          case "|" -> l.or(r);
          case "^" -> l.xor(r);
          default -> throw new IllegalStateException(b.op());
        };
      }
      case Ast.Builtin f -> {
        Type t = type(f.argument(), scope).resolved();
        Type.IntType it =
            switch (t) {
              case Type.IntType i -> i;
              case Type.EnumType en -> {
                enumValues(en.def());
                yield en.def().base();
              }
              default ->
                  throw new IdlException(
                      f.argument().pos(),
                      f.function() + "(...) needs an integer type, not " + t.idl());
            };
        yield f.function().equals("max") ? it.max() : it.min();
      }
    };
  }

  /** Where an expression starts (a binary expression's position is its operator's). */
  private static SourcePos start(Ast.Expr e) {
    return e instanceof Ast.Binary b ? start(b.left()) : e.pos();
  }

  // ---- whole-model checks

  private void checkStructRecursion(StructDef s, List<StructDef> path) throws IdlException {
    if (path.contains(s)) {
      StructDef first = path.getFirst();
      throw new IdlException(first.pos(), "struct '" + first.name() + "' contains itself");
    }
    path.add(s);
    for (Field f : s.fields()) {
      for (StructDef inner : structsIn(f.type())) {
        checkStructRecursion(inner, path);
      }
    }
    path.removeLast();
  }

  private static List<StructDef> structsIn(Type t) {
    return switch (t.resolved()) {
      case Type.StructType s -> List.of(s.def());
      case Type.ArrayType a -> structsIn(a.element());
      case Type.SequenceType q -> structsIn(q.element());
      default -> List.of();
    };
  }

  private void validate(Decl d) throws IdlException {
    switch (d) {
      case TypedefDef t -> validate(t.type(), t.pos());
      case StructDef s -> {
        for (Field f : s.fields()) {
          validate(f.type(), f.pos());
        }
      }
      case ExceptionDef e -> {
        for (Field f : e.fields()) {
          validate(f.type(), f.pos());
        }
      }
      case MethodDef m -> {
        for (Param p : m.params()) {
          validate(p.type(), p.pos());
        }
      }
      default -> {}
    }
  }

  /** Sequences may not hold capabilities or other sequences. */
  private static void validate(Type t, SourcePos pos) throws IdlException {
    switch (t) {
      case Type.SequenceType s -> {
        WireLayout.Count c = WireLayout.count(s.element());
        if (c.caps() > 0) {
          throw new IdlException(pos, "a sequence cannot carry capabilities (" + t.idl() + ")");
        }
        if (c.strings() > 0) {
          throw new IdlException(
              pos, "a sequence cannot hold sequences or strings (" + t.idl() + ")");
        }
      }
      case Type.ArrayType a -> validate(a.element(), pos);
      default -> {}
    }
  }
}
