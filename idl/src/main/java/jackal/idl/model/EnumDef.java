package jackal.idl.model;

import jackal.idl.SourcePos;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An enum ({@code [base] enum name {...}}) or bitset ({@code base bitset name {...}}). Members
 * without a value take the previous one plus one (enum; the first is 0) or the next bit above the
 * previous one (bitset; the first is 1). The base type defaults to {@code long}.
 */
public final class EnumDef extends Decl implements Scope {
  private final boolean bitset;
  private Type.IntType base = Type.IntType.LONG;
  private final Map<String, EnumMember> members = new LinkedHashMap<>();

  EnumDef(String name, SourcePos pos, String doc, Scope scope, boolean bitset) {
    super(name, pos, doc, scope);
    this.bitset = bitset;
  }

  /** True for a bitset (members are flags). */
  public boolean isBitset() {
    return bitset;
  }

  /** The integer type of the values. */
  public Type.IntType base() {
    return base;
  }

  /** The members in declaration order. */
  public List<EnumMember> members() {
    return Collections.unmodifiableList(new ArrayList<>(members.values()));
  }

  @Override
  public Optional<EnumMember> member(String n) {
    return Optional.ofNullable(members.get(n));
  }

  void setBase(Type.IntType base) {
    this.base = base;
  }

  void add(EnumMember m) {
    members.put(m.name(), m);
  }

  @Override
  public String kind() {
    return bitset ? "bitset" : "enum";
  }
}
