package jackal.idl.model;

import jackal.idl.SourcePos;
import java.math.BigInteger;

/** One member of an enum or bitset. Its qualified name goes through the enum's. */
public final class EnumMember extends Decl {
  private BigInteger value;

  EnumMember(String name, SourcePos pos, String doc, EnumDef owner) {
    super(name, pos, doc, owner);
  }

  /** The enum or bitset that declares it. */
  public EnumDef owner() {
    return (EnumDef) scope();
  }

  /** The value, within the enum's base type. */
  public BigInteger value() {
    return value;
  }

  /** The value as the 64-bit pattern Java uses. */
  public long longValue() {
    return value.longValue();
  }

  void setValue(BigInteger value) {
    this.value = value;
  }

  @Override
  public String kind() {
    return "enum member";
  }
}
