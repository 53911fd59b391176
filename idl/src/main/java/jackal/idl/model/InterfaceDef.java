package jackal.idl.model;

import jackal.idl.CodedName;
import jackal.idl.SourcePos;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code [abstract] interface Name [extends Base] [raises(...)] { ... };}. Its type code ({@code
 * IKT}, what {@code getType} answers) is the 64-bit coded name of its qualified name. Inheritance
 * is single; a member may not reuse the name of an inherited member.
 */
public final class InterfaceDef extends Decl implements Scope {
  private final boolean isAbstract;
  private InterfaceDef base;
  private List<ExceptionDef> declaredRaises = List.of();
  private final Map<String, Decl> members = new LinkedHashMap<>();
  private final List<MethodDef> inherits = new ArrayList<>();

  InterfaceDef(String name, SourcePos pos, String doc, Scope scope, boolean isAbstract) {
    super(name, pos, doc, scope);
    this.isAbstract = isAbstract;
  }

  /** True if declared {@code abstract} (no object implements it alone). */
  public boolean isAbstract() {
    return isAbstract;
  }

  /** The interface extended, if any. */
  public Optional<InterfaceDef> base() {
    return Optional.ofNullable(base);
  }

  /** The chain of interfaces extended, nearest first (not including this one). */
  public List<InterfaceDef> ancestors() {
    List<InterfaceDef> out = new ArrayList<>();
    for (InterfaceDef i = base; i != null; i = i.base) {
      out.add(i);
    }
    return List.copyOf(out);
  }

  /** True if this is {@code other} or extends it, directly or not. */
  public boolean isSubtypeOf(InterfaceDef other) {
    for (InterfaceDef i = this; i != null; i = i.base) {
      if (i == other) {
        return true;
      }
    }
    return false;
  }

  /** The interface type code ({@code IKT_...}). */
  public long typeCode() {
    return CodedName.of(qualifiedName());
  }

  /** The exceptions of this interface's own {@code raises} clause. */
  public List<ExceptionDef> declaredRaises() {
    return declaredRaises;
  }

  /**
   * The exceptions every method of this interface may raise: the {@code raises} clauses of this
   * interface and of every interface it extends (root first, no repeats).
   */
  public List<ExceptionDef> raises() {
    LinkedHashSet<ExceptionDef> set = new LinkedHashSet<>();
    List<InterfaceDef> chain = new ArrayList<>(ancestors());
    Collections.reverse(chain);
    chain.add(this);
    for (InterfaceDef i : chain) {
      set.addAll(i.declaredRaises);
    }
    return List.copyOf(set);
  }

  /** Declarations inside this interface, in source order (methods included). */
  public List<Decl> declaredMembers() {
    return List.copyOf(members.values());
  }

  /** The methods this interface declares, in source order. */
  public List<MethodDef> methods() {
    return ofKind(MethodDef.class, false);
  }

  /**
   * Every method callable on this interface: inherited ones first (root interface first), then this
   * interface's own. An inherited method keeps its declaring interface and its code.
   */
  public List<MethodDef> allMethods() {
    return ofKind(MethodDef.class, true);
  }

  /** The exceptions this interface declares. */
  public List<ExceptionDef> exceptions() {
    return ofKind(ExceptionDef.class, false);
  }

  /** The exceptions declared here and in every interface extended (root first). */
  public List<ExceptionDef> allExceptions() {
    return ofKind(ExceptionDef.class, true);
  }

  /** The constants this interface declares. */
  public List<ConstDef> constants() {
    return ofKind(ConstDef.class, false);
  }

  /** The enums and bitsets this interface declares. */
  public List<EnumDef> enums() {
    return ofKind(EnumDef.class, false);
  }

  /** The structs this interface declares. */
  public List<StructDef> structs() {
    return ofKind(StructDef.class, false);
  }

  /** The typedefs this interface declares. */
  public List<TypedefDef> typedefs() {
    return ofKind(TypedefDef.class, false);
  }

  /** Inherited methods this interface says it serves ({@code inherits name;}). */
  public List<MethodDef> inheritsDeclared() {
    return List.copyOf(inherits);
  }

  /** The method called {@code n}, declared here or inherited. */
  public Optional<MethodDef> method(String n) {
    return member(n).filter(MethodDef.class::isInstance).map(MethodDef.class::cast);
  }

  @Override
  public Optional<Decl> member(String n) {
    for (InterfaceDef i = this; i != null; i = i.base) {
      Decl d = i.members.get(n);
      if (d != null) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  /** The member called {@code n} declared in this interface itself. */
  public Optional<Decl> ownMember(String n) {
    return Optional.ofNullable(members.get(n));
  }

  private <T extends Decl> List<T> ofKind(Class<T> k, boolean inherited) {
    List<T> out = new ArrayList<>();
    if (inherited && base != null) {
      out.addAll(base.ofKind(k, true));
    }
    for (Decl d : members.values()) {
      if (k.isInstance(d)) {
        out.add(k.cast(d));
      }
    }
    return List.copyOf(out);
  }

  void setBase(InterfaceDef base) {
    this.base = base;
  }

  InterfaceDef rawBase() {
    return base;
  }

  void setDeclaredRaises(List<ExceptionDef> r) {
    this.declaredRaises = List.copyOf(r);
  }

  void add(Decl d) {
    members.put(d.name(), d);
  }

  void addInherits(MethodDef m) {
    inherits.add(m);
  }

  @Override
  public String kind() {
    return isAbstract ? "abstract interface" : "interface";
  }
}
