package jackal.idl.model;

import jackal.idl.SourcePos;

/** {@code typedef T name;}. */
public final class TypedefDef extends Decl {
  private Type type;

  TypedefDef(String name, SourcePos pos, String doc, Scope scope) {
    super(name, pos, doc, scope);
  }

  /** The type named (which may itself be a typedef). */
  public Type type() {
    return type;
  }

  void setType(Type type) {
    this.type = type;
  }

  @Override
  public String kind() {
    return "typedef";
  }
}
