package jackal.idl.model;

import jackal.idl.CodedName;
import jackal.idl.SourcePos;
import java.util.List;

/**
 * {@code exception name;} (optionally with fields). Its code ({@code RC}) is the 64-bit coded name
 * of its qualified name: {@code package.Interface.Name}, or {@code package.Name} at package level.
 */
public final class ExceptionDef extends Decl {
  private List<Field> fields = List.of();

  ExceptionDef(String name, SourcePos pos, String doc, Scope scope) {
    super(name, pos, doc, scope);
  }

  /** The fields (most exceptions have none). */
  public List<Field> fields() {
    return fields;
  }

  void setFields(List<Field> fields) {
    this.fields = List.copyOf(fields);
  }

  /** The exception code, carried in reply word 1 of an exceptional (EX) reply. */
  public long code() {
    return CodedName.of(qualifiedName());
  }

  @Override
  public String kind() {
    return "exception";
  }
}
