package jackal.idl.gen;

import jackal.idl.model.Type;
import java.util.Set;

/**
 * How CapIDL types look in the generated Java of one package, and how a scalar goes into and comes
 * out of a 64-bit data word.
 *
 * <ul>
 *   <li>integers, characters, enums and bitsets of up to 32 bits: {@code int} (unsigned 32-bit
 *       values wrap, as in the constants classes); 64 bits: {@code long};
 *   <li>{@code boolean}, {@code float}, {@code double}: themselves;
 *   <li>a capability: {@code long}, a capability location ({@code CapReg.loc(r)});
 *   <li>a struct: its generated record; {@code array<T, n>}: a Java array of T of length n;
 *   <li>{@code string}: {@code String} (UTF-8 on the wire); {@code sequence<T, n>}: a Java array
 *       packed by T's width, so bytes and 8-bit characters are {@code byte[]}, 16-bit values {@code
 *       short[]}, and so on (structs and arrays as above).
 * </ul>
 *
 * On the wire a scalar is zero- or sign-extended to 64 bits by its CapIDL type; reading one keeps
 * its low bits, extended again the same way.
 */
final class JavaTypes {
  /** Member names Java's {@code Object} or {@code Record} already use. */
  private static final Set<String> OBJECT_MEMBERS =
      Set.of(
          "getClass",
          "hashCode",
          "equals",
          "clone",
          "toString",
          "notify",
          "notifyAll",
          "wait",
          "finalize");

  final StubNames names;

  /** The Java package of the class being written. */
  final String pkg;

  JavaTypes(StubNames names, String pkg) {
    this.names = names;
    this.pkg = pkg;
  }

  /** A Java method, field or record component name for CapIDL name {@code name}. */
  static String member(String name) {
    String n = JavaNames.identifier(name);
    return OBJECT_MEMBERS.contains(n) ? n + "_" : n;
  }

  /** The Java type of a value of {@code t}. */
  String type(Type t) {
    Type r = t.resolved();
    return switch (r) {
      case Type.IntType i -> i.bits() <= 32 ? "int" : "long";
      case Type.CharType c -> c.bits() <= 32 ? "int" : "long";
      case Type.EnumType e -> e.def().base().bits() <= 32 ? "int" : "long";
      case Type.BoolType b -> "boolean";
      case Type.FloatType f -> f.bits() == 32 ? "float" : "double";
      case Type.CapType c -> "long";
      case Type.StringType s -> "java.lang.String";
      case Type.SequenceType s -> packed(s.element()) + "[]";
      case Type.ArrayType a -> type(a.element()) + "[]";
      case Type.StructType s -> names.ref(s.def(), StubNames.Role.TYPE, pkg);
      case Type.VoidType v -> "void";
      case Type.AliasType a -> throw new IllegalStateException("unresolved " + a);
    };
  }

  /** The Java element type of a sequence of {@code element}: scalars packed by their width. */
  String packed(Type element) {
    Type r = element.resolved();
    if (isInteger(r)) {
      return switch (bits(r)) {
        case 8 -> "byte";
        case 16 -> "short";
        case 32 -> "int";
        default -> "long";
      };
    }
    return type(r);
  }

  /**
   * A new array of {@code n} elements of Java type {@code element} ({@code int[]} gives int[n][]).
   */
  static String newArray(String element, String n) {
    int b = element.indexOf('[');
    return b < 0
        ? "new " + element + "[" + n + "]"
        : "new " + element.substring(0, b) + "[" + n + "]" + element.substring(b);
  }

  /** True for integers, characters and enums (after typedefs). */
  static boolean isInteger(Type r) {
    return r instanceof Type.IntType || r instanceof Type.CharType || r instanceof Type.EnumType;
  }

  /** The width of an integer, character or enum. */
  static int bits(Type r) {
    return switch (r) {
      case Type.IntType i -> i.bits();
      case Type.CharType c -> c.bits();
      case Type.EnumType e -> e.def().base().bits();
      default -> throw new IllegalArgumentException(r.idl() + " is not an integer");
    };
  }

  /** True if an integer, character or enum is signed. */
  static boolean signed(Type r) {
    return switch (r) {
      case Type.IntType i -> i.signed();
      case Type.EnumType e -> e.def().base().signed();
      default -> false;
    };
  }

  /**
   * A {@code long} expression: the data word carrying {@code value}, a Java value of scalar {@code
   * t}.
   */
  String toWord(Type t, String value) {
    Type r = t.resolved();
    if (r instanceof Type.BoolType) {
      return "(" + value + " ? 1L : 0L)";
    }
    if (r instanceof Type.FloatType f) {
      return f.bits() == 32
          ? "(Float.floatToRawIntBits(" + value + ") & 0xFFFF_FFFFL)"
          : "Double.doubleToRawLongBits(" + value + ")";
    }
    int bits = bits(r);
    if (signed(r)) {
      return switch (bits) {
        case 8 -> "(byte) " + value;
        case 16 -> "(short) " + value;
        default -> value;
      };
    }
    return switch (bits) {
      case 8 -> "(" + value + " & 0xFFL)";
      case 16 -> "(" + value + " & 0xFFFFL)";
      case 32 -> "(" + value + " & 0xFFFF_FFFFL)";
      default -> value;
    };
  }

  /**
   * An expression of (a type widening to) {@link #type} of scalar {@code t} from data word {@code
   * word}.
   */
  String fromWord(Type t, String word) {
    Type r = t.resolved();
    if (r instanceof Type.BoolType) {
      return "(" + word + " != 0)";
    }
    if (r instanceof Type.FloatType f) {
      return f.bits() == 32
          ? "Float.intBitsToFloat((int) " + word + ")"
          : "Double.longBitsToDouble(" + word + ")";
    }
    int bits = bits(r);
    if (signed(r)) {
      return switch (bits) {
        case 8 -> "(byte) " + word;
        case 16 -> "(short) " + word;
        case 32 -> "(int) " + word;
        default -> word;
      };
    }
    return switch (bits) {
      case 8 -> "(int) (" + word + " & 0xFF)";
      case 16 -> "(int) (" + word + " & 0xFFFF)";
      case 32 -> "(int) " + word;
      default -> word;
    };
  }
}
