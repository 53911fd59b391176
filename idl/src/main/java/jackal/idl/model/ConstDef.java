package jackal.idl.model;

import jackal.idl.SourcePos;
import java.math.BigInteger;

/** {@code const T name = value;}. Booleans are 0 or 1. */
public final class ConstDef extends Decl {
  private Type type;
  private BigInteger value;

  ConstDef(String name, SourcePos pos, String doc, Scope scope) {
    super(name, pos, doc, scope);
  }

  /** The declared type. */
  public Type type() {
    return type;
  }

  /** The value, within the type's range. */
  public BigInteger value() {
    return value;
  }

  /** The value as the 64-bit pattern Java uses (unsigned 64-bit values wrap to negative). */
  public long longValue() {
    return value.longValue();
  }

  void setType(Type type) {
    this.type = type;
  }

  void setValue(BigInteger value) {
    this.value = value;
  }

  @Override
  public String kind() {
    return "constant";
  }
}
