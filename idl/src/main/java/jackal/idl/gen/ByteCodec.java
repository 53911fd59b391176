package jackal.idl.gen;

import jackal.idl.layout.WireLayout;
import jackal.idl.model.Field;
import jackal.idl.model.Type;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bytes of sequences and strings, for one generated class: expressions that turn a Java value
 * into the bytes of the indirect string and back, and the private helper methods they call, written
 * once per type. Elements are laid out as C lays them out on a 64-bit little-endian target ({@link
 * WireLayout#byteSize}, {@link WireLayout#alignment}); strings are UTF-8.
 */
final class ByteCodec {
  private static final String BB = "java.nio.ByteBuffer";
  private static final String LE = "java.nio.ByteOrder.LITTLE_ENDIAN";

  private final JavaTypes t;
  private final StringBuilder helpers = new StringBuilder();
  private final Map<String, String> made = new HashMap<>();
  private int next;

  ByteCodec(JavaTypes t) {
    this.t = t;
  }

  /** The helper methods written so far (class members, indented by two). */
  String helpers() {
    return helpers.toString();
  }

  /**
   * A {@code byte[]} expression: the bytes of {@code value}, of sequence or string type {@code st}.
   */
  String encode(Type st, String value) {
    Type r = st.resolved();
    if (r instanceof Type.StringType) {
      return value + ".getBytes(java.nio.charset.StandardCharsets.UTF_8)";
    }
    Type element = ((Type.SequenceType) r).element();
    if (t.packed(element).equals("byte")) {
      return value;
    }
    return helper("encode", r, () -> encodeSequence(element)) + "(" + value + ")";
  }

  /**
   * An expression of {@code st}'s Java type decoding the bytes {@code bytes} (a {@code byte[]}).
   */
  String decode(Type st, String bytes) {
    Type r = st.resolved();
    if (r instanceof Type.StringType) {
      return "new java.lang.String(" + bytes + ", java.nio.charset.StandardCharsets.UTF_8)";
    }
    Type element = ((Type.SequenceType) r).element();
    if (t.packed(element).equals("byte")) {
      return bytes;
    }
    return helper("decode", r, () -> decodeSequence(element)) + "(" + bytes + ")";
  }

  private interface Body {
    String text();
  }

  private String helper(String kind, Type r, Body body) {
    String key = kind + " " + r.idl() + " " + r;
    String name = made.get(key);
    if (name == null) {
      name = "$" + kind + next++;
      made.put(key, name);
      String text = body.text();
      helpers.append('\n').append(text.replace("@NAME@", name));
    }
    return name;
  }

  private String encodeSequence(Type element) {
    String jt = t.packed(element) + "[]";
    int size = WireLayout.byteSize(element);
    return "  private static byte[] @NAME@("
        + jt
        + " v) {\n"
        + "    "
        + BB
        + " bb = "
        + BB
        + ".allocate(v.length * "
        + size
        + ").order("
        + LE
        + ");\n"
        + "    for (int i = 0; i < v.length; i++) {\n"
        + put(element, t.packed(element), "v[i]", "i * " + size, "      ")
        + "    }\n"
        + "    return bb.array();\n"
        + "  }\n";
  }

  private String decodeSequence(Type element) {
    String et = t.packed(element);
    int size = WireLayout.byteSize(element);
    return "  private static "
        + et
        + "[] @NAME@(byte[] b) {\n"
        + "    "
        + BB
        + " bb = "
        + BB
        + ".wrap(b).order("
        + LE
        + ");\n"
        + "    "
        + et
        + "[] v = "
        + JavaTypes.newArray(et, "b.length / " + size)
        + ";\n"
        + "    for (int i = 0; i < v.length; i++) {\n"
        + "      v[i] = "
        + get(element, et, "i * " + size)
        + ";\n"
        + "    }\n"
        + "    return v;\n"
        + "  }\n";
  }

  /**
   * Statements putting {@code v} (Java type {@code vt}) of type {@code type} at {@code off} of
   * {@code bb}.
   */
  private String put(Type type, String vt, String v, String off, String ind) {
    Type r = type.resolved();
    switch (r) {
      case Type.StructType s -> {
        String rec = t.type(r);
        String name =
            helper(
                "put",
                r,
                () -> {
                  StringBuilder b = new StringBuilder();
                  b.append("  private static void @NAME@(")
                      .append(BB)
                      .append(" bb, int off, ")
                      .append(rec)
                      .append(" v) {\n");
                  int o = 0;
                  for (Field f : fields(s)) {
                    o = roundUp(o, WireLayout.alignment(f.type()));
                    b.append(
                        put(
                            f.type(),
                            t.type(f.type()),
                            "v." + JavaTypes.member(f.name()) + "()",
                            "off + " + o,
                            "    "));
                    o += WireLayout.byteSize(f.type());
                  }
                  b.append("  }\n");
                  return b.toString();
                });
        return ind + name + "(bb, " + off + ", " + v + ");\n";
      }
      case Type.ArrayType a -> {
        String at = t.type(r);
        int size = WireLayout.byteSize(a.element());
        String name =
            helper(
                "put",
                r,
                () ->
                    "  private static void @NAME@("
                        + BB
                        + " bb, int off, "
                        + at
                        + " v) {\n"
                        + "    if (v.length != "
                        + a.length()
                        + ") {\n"
                        + "      throw new IllegalArgumentException(\""
                        + r.idl()
                        + " needs "
                        + a.length()
                        + " elements, not \" + v.length);\n"
                        + "    }\n"
                        + "    for (int i = 0; i < v.length; i++) {\n"
                        + put(
                            a.element(), t.type(a.element()), "v[i]", "off + i * " + size, "      ")
                        + "    }\n"
                        + "  }\n");
        return ind + name + "(bb, " + off + ", " + v + ");\n";
      }
      case Type.BoolType b -> {
        return ind + "bb.put(" + off + ", " + v + " ? (byte) 1 : (byte) 0);\n";
      }
      case Type.FloatType f -> {
        return ind + (f.bits() == 32 ? "bb.putFloat(" : "bb.putDouble(") + off + ", " + v + ");\n";
      }
      default -> {
        return switch (JavaTypes.bits(r)) {
          case 8 -> ind + "bb.put(" + off + ", " + narrow(v, vt, "byte") + ");\n";
          case 16 -> ind + "bb.putShort(" + off + ", " + narrow(v, vt, "short") + ");\n";
          case 32 -> ind + "bb.putInt(" + off + ", " + narrow(v, vt, "int") + ");\n";
          default -> ind + "bb.putLong(" + off + ", " + v + ");\n";
        };
      }
    }
  }

  /** An expression of Java type {@code tt} reading a {@code type} at {@code off} of {@code bb}. */
  private String get(Type type, String tt, String off) {
    Type r = type.resolved();
    switch (r) {
      case Type.StructType s -> {
        String rec = t.type(r);
        String name =
            helper(
                "get",
                r,
                () -> {
                  StringBuilder b = new StringBuilder();
                  b.append("  private static ")
                      .append(rec)
                      .append(" @NAME@(")
                      .append(BB)
                      .append(" bb, int off) {\n");
                  b.append("    return new ").append(rec).append("(");
                  int o = 0;
                  boolean first = true;
                  for (Field f : fields(s)) {
                    o = roundUp(o, WireLayout.alignment(f.type()));
                    b.append(first ? "" : ", ")
                        .append(get(f.type(), t.type(f.type()), "off + " + o));
                    first = false;
                    o += WireLayout.byteSize(f.type());
                  }
                  b.append(");\n  }\n");
                  return b.toString();
                });
        return name + "(bb, " + off + ")";
      }
      case Type.ArrayType a -> {
        String at = t.type(r);
        String et = t.type(a.element());
        int size = WireLayout.byteSize(a.element());
        String name =
            helper(
                "get",
                r,
                () ->
                    "  private static "
                        + at
                        + " @NAME@("
                        + BB
                        + " bb, int off) {\n"
                        + "    "
                        + at
                        + " v = "
                        + JavaTypes.newArray(et, Long.toString(a.length()))
                        + ";\n"
                        + "    for (int i = 0; i < v.length; i++) {\n"
                        + "      v[i] = "
                        + get(a.element(), et, "off + i * " + size)
                        + ";\n"
                        + "    }\n"
                        + "    return v;\n"
                        + "  }\n");
        return name + "(bb, " + off + ")";
      }
      case Type.BoolType b -> {
        return "(bb.get(" + off + ") != 0)";
      }
      case Type.FloatType f -> {
        return (f.bits() == 32 ? "bb.getFloat(" : "bb.getDouble(") + off + ")";
      }
      default -> {
        int bits = JavaTypes.bits(r);
        boolean widenUnsigned = !JavaTypes.signed(r) && !tt.equals(bits == 8 ? "byte" : "short");
        return switch (bits) {
          case 8 -> widenUnsigned ? "(bb.get(" + off + ") & 0xFF)" : "bb.get(" + off + ")";
          case 16 ->
              widenUnsigned ? "(bb.getShort(" + off + ") & 0xFFFF)" : "bb.getShort(" + off + ")";
          case 32 -> "bb.getInt(" + off + ")";
          default -> "bb.getLong(" + off + ")";
        };
      }
    }
  }

  private static List<Field> fields(Type.StructType s) {
    return s.def().fields();
  }

  private static String narrow(String v, String from, String to) {
    return from.equals(to) ? v : "(" + to + ") " + v;
  }

  private static int roundUp(int v, int al) {
    return (v + al - 1) / al * al;
  }
}
