package jackal.idl.model;

import jackal.idl.SourcePos;

/** A named declaration. Its qualified name is its scope's followed by a dot and its name. */
public abstract sealed class Decl
    permits InterfaceDef,
        MethodDef,
        ExceptionDef,
        TypedefDef,
        EnumDef,
        EnumMember,
        StructDef,
        ConstDef {
  private final String name;
  private final SourcePos pos;
  private final String doc;
  private final Scope scope;

  Decl(String name, SourcePos pos, String doc, Scope scope) {
    this.name = name;
    this.pos = pos;
    this.doc = doc;
    this.scope = scope;
  }

  /** The simple name. */
  public final String name() {
    return name;
  }

  /** Where the name is declared. */
  public final SourcePos pos() {
    return pos;
  }

  /** The doc comment in front of the declaration, without comment markers, or null. */
  public final String doc() {
    return doc;
  }

  /** The package, interface or enum that declares this. */
  public final Scope scope() {
    return scope;
  }

  /** The package this is declared in. */
  public final IdlPackage pkg() {
    Scope s = scope;
    while (!(s instanceof IdlPackage p)) {
      s = ((Decl) s).scope();
    }
    return p;
  }

  /** The dotted qualified name, e.g. {@code coyotos.Cap.getType}. */
  public final String qualifiedName() {
    return scope.qualifiedName() + "." + name;
  }

  /** What sort of declaration, in words ("interface", "typedef", ...). */
  public abstract String kind();

  @Override
  public String toString() {
    return kind() + " " + qualifiedName();
  }
}
