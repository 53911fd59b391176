package jackal.idl.model;

import jackal.idl.SourcePos;
import java.util.List;

/** {@code struct name { fields };}. */
public final class StructDef extends Decl {
  private List<Field> fields = List.of();

  StructDef(String name, SourcePos pos, String doc, Scope scope) {
    super(name, pos, doc, scope);
  }

  /** The fields in declaration order. */
  public List<Field> fields() {
    return fields;
  }

  void setFields(List<Field> fields) {
    this.fields = List.copyOf(fields);
  }

  @Override
  public String kind() {
    return "struct";
  }
}
