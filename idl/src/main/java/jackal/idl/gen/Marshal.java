package jackal.idl.gen;

import jackal.idl.layout.CapSlot;
import jackal.idl.layout.Message;
import jackal.idl.layout.Step;
import jackal.idl.layout.StringField;
import jackal.idl.layout.StringSlot;
import jackal.idl.layout.WordSlot;
import jackal.idl.model.Field;
import jackal.idl.model.Param;
import jackal.idl.model.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Java code moving values into and out of one direction of a message, exactly where its {@link
 * Message layout} puts them. The parameter block's words are the local {@code $w}.
 *
 * <p>Encoding writes one statement per data word in order (the opcode, each scalar leaf, the three
 * header words of the sequence or string), one per leaf laid into the string, and one per
 * capability (its location in send slot {@code n}); decoding builds, for one parameter, an
 * expression that walks its type in the layout's order and picks each leaf from its word, its place
 * in the received string {@code $str}, its capability slot or its sequence's bytes.
 */
final class Marshal {
  private final JavaTypes t;
  private final ByteCodec codec;

  Marshal(JavaTypes t, ByteCodec codec) {
    this.t = t;
    this.codec = codec;
  }

  /** How a leaf's Java expression is reached from its root: accessors named by {@code accessor}. */
  static String leaf(String root, List<Step> path, Function<String, String> accessor) {
    StringBuilder sb = new StringBuilder(root);
    for (Step s : path) {
      switch (s) {
        case Step.Field f -> sb.append('.').append(accessor.apply(f.name())).append("()");
        case Step.Element e -> sb.append('[').append(e.index()).append(']');
      }
    }
    return sb.toString();
  }

  /**
   * Statements filling {@code msg}: {@code value} gives each parameter's Java expression, {@code
   * opcode} the opcode's ({@code null} if the message has none), {@code stage} the call that stages
   * a {@code byte[]} as the message's string (without the argument and closing parenthesis, e.g.
   * {@code "idlStage("}); the base class's {@code idlStageBase()} says where it will be staged.
   *
   * <p>The string is built whole in {@code $x}: the leaves that did not fit the data words at their
   * offsets, then the sequence's bytes at the message's data offset; it is staged last.
   */
  void encode(
      StringBuilder b,
      String ind,
      Message msg,
      Function<Param, String> value,
      String opcode,
      String stage) {
    for (Param p : params(msg)) {
      lengthChecks(b, ind, p.type(), value.apply(p), p.name());
    }
    Optional<StringSlot> seq = msg.string();
    String count = "";
    String max = "";
    String address = "";
    if (msg.hasString()) {
      int at = msg.dataOffset();
      if (seq.isPresent()) {
        StringSlot s = seq.get();
        count = s.elementBytes() == 1 ? "$s.length" : "$s.length / " + s.elementBytes();
        max = s.maxElements() >= 0 ? s.maxElements() + "L" : count;
        b.append(ind)
            .append("byte[] $s = ")
            .append(
                codec.encode(s.type(), leaf(value.apply(s.param()), s.path(), JavaTypes::member)))
            .append(";\n");
      }
      b.append(ind).append("long $base = idlStageBase();\n");
      address = at == 0 ? "$base" : "$base + " + at;
      if (msg.spillBytes() == 0) {
        b.append(ind).append("byte[] $x = $s;\n");
      } else if (seq.isEmpty()) {
        b.append(ind).append("byte[] $x = new byte[").append(at).append("];\n");
      } else {
        b.append(ind).append("byte[] $x = new byte[").append(at).append(" + $s.length];\n");
        b.append(ind).append("System.arraycopy($s, 0, $x, ").append(at).append(", $s.length);\n");
      }
    }
    for (WordSlot ws : msg.words()) {
      String v =
          switch (ws.role()) {
            case OPCODE -> opcode + " & 0xFFFF_FFFFL";
            case VALUE ->
                t.toWord(ws.type(), leaf(value.apply(ws.param()), ws.path(), JavaTypes::member));
            case STRING_MAX -> max;
            case STRING_LENGTH -> count;
            case STRING_ADDRESS -> address;
            case EXCEPTION_CODE -> throw new IllegalStateException("exception code in a message");
          };
      b.append(ind).append("$w[").append(ws.word()).append("] = ").append(v).append(";\n");
    }
    for (StringField f : msg.stringFields()) {
      String v =
          switch (f.role()) {
            case VALUE ->
                t.toWord(f.type(), leaf(value.apply(f.param()), f.path(), JavaTypes::member));
            case STRING_MAX -> max;
            case STRING_LENGTH -> count;
            case STRING_ADDRESS -> address;
            default -> throw new IllegalStateException(f.role() + " in a string");
          };
      b.append(ind)
          .append("idlPut($x, ")
          .append(f.offset())
          .append(", ")
          .append(f.size())
          .append(", ")
          .append(v)
          .append(");\n");
    }
    for (CapSlot c : msg.caps()) {
      b.append(ind)
          .append("$w[ParameterBlock.SNDCAP + ")
          .append(c.slot())
          .append("] = ")
          .append(leaf(value.apply(c.param()), c.path(), JavaTypes::member))
          .append(";\n");
    }
    if (msg.hasString()) {
      b.append(ind).append(stage).append("$x);\n");
    }
  }

  /**
   * The expression of the length (in elements) of {@code msg}'s sequence as received: its header
   * word, or its 8 bytes in the received string {@code $str} when the header did not fit.
   */
  static String lengthOf(Message msg) {
    StringSlot s = msg.string().orElseThrow();
    if (s.lengthWord() >= 0) {
      return "$w[" + s.lengthWord() + "]";
    }
    StringField f =
        msg.stringFields().stream()
            .filter(x -> x.role() == WordSlot.Role.STRING_LENGTH)
            .findFirst()
            .orElseThrow();
    return "idlGet($str, " + f.offset() + ", 8)";
  }

  /** The parameters a message carries, in order. */
  static List<Param> params(Message msg) {
    List<Param> out = new ArrayList<>();
    for (WordSlot w : msg.words()) {
      if (w.param() != null && !out.contains(w.param())) {
        out.add(w.param());
      }
    }
    for (CapSlot c : msg.caps()) {
      if (!out.contains(c.param())) {
        out.add(c.param());
      }
    }
    for (StringField f : msg.stringFields()) {
      if (!out.contains(f.param())) {
        out.add(f.param());
      }
    }
    out.sort((x, y) -> Integer.compare(x.index(), y.index()));
    return out;
  }

  /** Checks that every fixed array in a value of {@code type} at {@code expr} has its length. */
  void lengthChecks(StringBuilder b, String ind, Type type, String expr, String what) {
    Type r = type.resolved();
    switch (r) {
      case Type.ArrayType a -> {
        b.append(ind)
            .append("if (")
            .append(expr)
            .append(".length != ")
            .append(a.length())
            .append(") {\n");
        b.append(ind)
            .append("  throw new IllegalArgumentException(\"")
            .append(what)
            .append(": ")
            .append(a.length())
            .append(" elements expected, not \" + ")
            .append(expr)
            .append(".length);\n");
        b.append(ind).append("}\n");
        if (containsArray(a.element())) {
          for (int i = 0; i < a.length(); i++) {
            lengthChecks(b, ind, a.element(), expr + "[" + i + "]", what + "[" + i + "]");
          }
        }
      }
      case Type.StructType s -> {
        for (Field f : s.def().fields()) {
          if (containsArray(f.type())) {
            lengthChecks(
                b,
                ind,
                f.type(),
                expr + "." + JavaTypes.member(f.name()) + "()",
                what + "." + f.name());
          }
        }
      }
      default -> {}
    }
  }

  private static boolean containsArray(Type type) {
    Type r = type.resolved();
    return switch (r) {
      case Type.ArrayType a -> true;
      case Type.StructType s -> s.def().fields().stream().anyMatch(f -> containsArray(f.type()));
      default -> false;
    };
  }

  /** Where each leaf of a message is, by parameter and path. */
  static final class Slots {
    private final Map<String, WordSlot> words = new HashMap<>();
    private final Map<String, CapSlot> caps = new HashMap<>();
    private final Map<String, StringSlot> strings = new HashMap<>();
    private final Map<String, StringField> fields = new HashMap<>();

    Slots(Message msg) {
      this(msg.words(), msg.caps(), msg.string().stream().toList());
      for (StringField f : msg.stringFields()) {
        if (f.role() == WordSlot.Role.VALUE) {
          fields.put(key(f.param(), f.path()), f);
        }
      }
    }

    Slots(List<WordSlot> ws, List<CapSlot> cs, List<StringSlot> ss) {
      for (WordSlot w : ws) {
        if (w.role() == WordSlot.Role.VALUE) {
          words.put(key(w.param(), w.path()), w);
        }
      }
      for (CapSlot c : cs) {
        caps.put(key(c.param(), c.path()), c);
      }
      for (StringSlot s : ss) {
        strings.put(key(s.param(), s.path()), s);
      }
    }

    private static String key(Param p, List<Step> path) {
      return (p == null ? "-" : Integer.toString(p.index())) + Step.render("", path);
    }

    private <T> T find(Map<String, T> m, Param p, List<Step> path) {
      T s = m.get(key(p, path));
      if (s == null) {
        throw new IllegalStateException(
            "no slot for " + Step.render(p == null ? "" : p.name(), path) + " in the layout");
      }
      return s;
    }
  }

  /**
   * An expression of {@code p}'s Java type read from a message: {@code cap} gives a capability
   * leaf's expression, {@code string} the {@code byte[]} expression of a sequence or string. {@code
   * p} is null for the fields of an exception ({@code root} then names the first step).
   */
  String decode(
      Slots slots,
      Param p,
      List<Step> path,
      Type type,
      Function<CapSlot, String> cap,
      Function<StringSlot, String> string) {
    Type r = type.resolved();
    return switch (r) {
      case Type.StructType s -> {
        StringBuilder sb = new StringBuilder("new ").append(t.type(r)).append('(');
        boolean first = true;
        for (Field f : s.def().fields()) {
          List<Step> sub = new ArrayList<>(path);
          sub.add(new Step.Field(f.name(), f.type()));
          sb.append(first ? "" : ", ").append(decode(slots, p, sub, f.type(), cap, string));
          first = false;
        }
        yield sb.append(')').toString();
      }
      case Type.ArrayType a -> {
        StringBuilder sb = new StringBuilder("new ").append(t.type(r)).append(" {");
        for (int i = 0; i < a.length(); i++) {
          List<Step> sub = new ArrayList<>(path);
          sub.add(new Step.Element(i, a.element()));
          sb.append(i == 0 ? "" : ", ").append(decode(slots, p, sub, a.element(), cap, string));
        }
        yield sb.append('}').toString();
      }
      case Type.CapType c -> cap.apply(slots.find(slots.caps, p, path));
      case Type.SequenceType s -> codec.decode(r, string.apply(slots.find(slots.strings, p, path)));
      case Type.StringType s -> codec.decode(r, string.apply(slots.find(slots.strings, p, path)));
      default -> {
        StringField f = slots.fields.get(Slots.key(p, path));
        yield f != null
            ? t.fromWord(r, "idlGet($str, " + f.offset() + ", " + f.size() + ")")
            : t.fromWord(r, "$w[" + slots.find(slots.words, p, path).word() + "]");
      }
    };
  }
}
