package jackal.idl.model;

import jackal.idl.CodedName;
import jackal.idl.SourcePos;
import jackal.idl.layout.MethodLayout;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A method of an interface. Its code ({@code OC}, request word 1) is the low 32 bits of the coded
 * name of {@code package.Interface.method}, where Interface is the interface that declares it, so
 * an inherited method keeps its code in every interface that extends the declarer.
 */
public final class MethodDef extends Decl {
  private final boolean oneway;
  private final boolean client;
  private final boolean nostub;
  private Type returnType = Type.VOID;
  private List<Param> params = List.of();
  private List<ExceptionDef> declaredRaises = List.of();
  private MethodLayout layout;

  MethodDef(
      String name,
      SourcePos pos,
      String doc,
      InterfaceDef owner,
      boolean oneway,
      boolean client,
      boolean nostub) {
    super(name, pos, doc, owner);
    this.oneway = oneway;
    this.client = client;
    this.nostub = nostub;
  }

  /** The interface that declares this method. */
  public InterfaceDef declarer() {
    return (InterfaceDef) scope();
  }

  /** {@code oneway}: no reply (void, no out parameters). */
  public boolean isOneway() {
    return oneway;
  }

  /**
   * {@code client}: implemented by the client library alone. Such a method has no code, never
   * travels, and has no layout.
   */
  public boolean isClient() {
    return client;
  }

  /** {@code nostub}: travels normally but the generator writes no client stub for it. */
  public boolean isNostub() {
    return nostub;
  }

  /** The method code ({@code OC_...}). */
  public int code() {
    if (client) {
      throw new IllegalStateException(qualifiedName() + " is a client method and has no code");
    }
    return CodedName.methodCode(qualifiedName());
  }

  /** The return type ({@link Type#VOID} if none). */
  public Type returnType() {
    return returnType;
  }

  /** The declared parameters in order (not the return value). */
  public List<Param> params() {
    return params;
  }

  /** The return value as an out parameter named {@value Param#RESULT_NAME}, unless void. */
  public Optional<Param> result() {
    if (returnType instanceof Type.VoidType) {
      return Optional.empty();
    }
    return Optional.of(
        new Param(
            Param.RESULT_NAME, returnType, Param.Direction.OUT, resultPos, params.size(), true));
  }

  /** The in parameters in order. */
  public List<Param> inParams() {
    return params.stream().filter(Param::isIn).toList();
  }

  /** The out parameters in order, then the return value (if any) last. */
  public List<Param> outParams() {
    List<Param> out = new ArrayList<>(params.stream().filter(Param::isOut).toList());
    result().ifPresent(out::add);
    return out;
  }

  /** The exceptions named by this method's own {@code raises} clause. */
  public List<ExceptionDef> declaredRaises() {
    return declaredRaises;
  }

  /**
   * The exceptions this method may raise: its own clause, then the interface-wide clauses of its
   * declarer and the declarer's ancestors (no repeats).
   */
  public List<ExceptionDef> raises() {
    LinkedHashSet<ExceptionDef> set = new LinkedHashSet<>(declaredRaises);
    set.addAll(declarer().raises());
    return List.copyOf(set);
  }

  /** Where every argument and result travels; null for a {@code client} method. */
  public MethodLayout layout() {
    return layout;
  }

  private SourcePos resultPos;

  void setSignature(Type returnType, SourcePos resultPos, List<Param> params) {
    this.returnType = returnType;
    this.resultPos = resultPos;
    this.params = List.copyOf(params);
  }

  void setDeclaredRaises(List<ExceptionDef> r) {
    this.declaredRaises = List.copyOf(r);
  }

  void setLayout(MethodLayout layout) {
    this.layout = layout;
  }

  @Override
  public String kind() {
    return "method";
  }
}
