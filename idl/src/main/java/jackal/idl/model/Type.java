package jackal.idl.model;

import java.math.BigInteger;

/**
 * A resolved CapIDL type. Named types keep their declaration ({@link AliasType}, {@link EnumType},
 * {@link StructType}, {@link CapType}); {@link #resolved()} looks through typedefs.
 */
public sealed interface Type
    permits Type.VoidType,
        Type.IntType,
        Type.BoolType,
        Type.CharType,
        Type.FloatType,
        Type.StringType,
        Type.SequenceType,
        Type.ArrayType,
        Type.CapType,
        Type.AliasType,
        Type.EnumType,
        Type.StructType {

  VoidType VOID = new VoidType();
  BoolType BOOLEAN = new BoolType();

  /** The type with every typedef looked through (never an {@link AliasType}). */
  default Type resolved() {
    return this;
  }

  /** The type as CapIDL spells it; named types by qualified name. */
  String idl();

  /**
   * True for the types that travel in exactly one data word: integers, booleans, characters, floats
   * and enums (after looking through typedefs).
   */
  default boolean isScalar() {
    return switch (resolved()) {
      case IntType i -> true;
      case BoolType b -> true;
      case CharType c -> true;
      case FloatType f -> true;
      case EnumType e -> true;
      default -> false;
    };
  }

  /** True for a capability (an interface used as a type), after looking through typedefs. */
  default boolean isCapability() {
    return resolved() instanceof CapType;
  }

  /** {@code void}, allowed only as a return type. */
  record VoidType() implements Type {
    @Override
    public String idl() {
      return "void";
    }
  }

  /** An integer of {@code bits} (8, 16, 32, 64) bits, signed or not. */
  record IntType(int bits, boolean signed) implements Type {
    public static final IntType LONG = new IntType(32, true);
    public static final IntType UNSIGNED_LONG = new IntType(32, false);

    /** The smallest value. */
    public BigInteger min() {
      return signed ? BigInteger.ONE.shiftLeft(bits - 1).negate() : BigInteger.ZERO;
    }

    /** The largest value. */
    public BigInteger max() {
      return signed
          ? BigInteger.ONE.shiftLeft(bits - 1).subtract(BigInteger.ONE)
          : BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    }

    /** True if {@code v} is a value of this type. */
    public boolean contains(BigInteger v) {
      return v.compareTo(min()) >= 0 && v.compareTo(max()) <= 0;
    }

    @Override
    public String idl() {
      String base =
          switch (bits) {
            case 8 -> "byte";
            case 16 -> "short";
            case 32 -> "long";
            case 64 -> "long long";
            default -> throw new IllegalStateException("width " + bits);
          };
      return signed ? base : "unsigned " + base;
    }
  }

  /** {@code boolean}. */
  record BoolType() implements Type {
    @Override
    public String idl() {
      return "boolean";
    }
  }

  /** {@code char} (8 bits, not wide) or {@code wchar<bits>}. */
  record CharType(int bits, boolean wide) implements Type {
    @Override
    public String idl() {
      return wide ? "wchar<" + bits + ">" : "char";
    }
  }

  /** {@code float} (32) or {@code double} (64). */
  record FloatType(int bits) implements Type {
    @Override
    public String idl() {
      return bits == 32 ? "float" : "double";
    }
  }

  /** {@code string} or {@code string<bound>}; {@code bound} is -1 when unbounded. */
  record StringType(long bound) implements Type {
    public boolean bounded() {
      return bound >= 0;
    }

    @Override
    public String idl() {
      return bound < 0 ? "string" : "string<" + bound + ">";
    }
  }

  /** {@code sequence<element, bound>}: at most {@code bound} elements. */
  record SequenceType(Type element, long bound) implements Type {
    @Override
    public String idl() {
      return "sequence<" + element.idl() + ", " + bound + ">";
    }
  }

  /** {@code array<element, length>}: exactly {@code length} elements. */
  record ArrayType(Type element, long length) implements Type {
    @Override
    public String idl() {
      return "array<" + element.idl() + ", " + length + ">";
    }
  }

  /**
   * A capability. {@code iface} is the interface it is declared to implement, or null for the
   * built-in {@code Cap} of a source that declares no {@code Cap} interface (any capability).
   * Nothing checks the claim at run time.
   */
  record CapType(InterfaceDef iface) implements Type {
    @Override
    public String idl() {
      return iface == null ? "Cap" : iface.qualifiedName();
    }

    @Override
    public String toString() {
      return "CapType[" + idl() + "]";
    }
  }

  /** A typedef name. */
  record AliasType(TypedefDef def) implements Type {
    @Override
    public Type resolved() {
      return def.type().resolved();
    }

    @Override
    public String idl() {
      return def.qualifiedName();
    }

    @Override
    public String toString() {
      return "AliasType[" + idl() + "]";
    }
  }

  /** An enum or bitset. */
  record EnumType(EnumDef def) implements Type {
    @Override
    public String idl() {
      return def.qualifiedName();
    }

    @Override
    public String toString() {
      return "EnumType[" + idl() + "]";
    }
  }

  /** A struct. */
  record StructType(StructDef def) implements Type {
    @Override
    public String idl() {
      return def.qualifiedName();
    }

    @Override
    public String toString() {
      return "StructType[" + idl() + "]";
    }
  }
}
