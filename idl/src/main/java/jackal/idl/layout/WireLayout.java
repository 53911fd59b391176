package jackal.idl.layout;

import jackal.idl.IdlException;
import jackal.idl.SourcePos;
import jackal.idl.model.ExceptionDef;
import jackal.idl.model.Field;
import jackal.idl.model.MethodDef;
import jackal.idl.model.Param;
import jackal.idl.model.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Computes {@link MethodLayout}s and {@link ExceptionLayout}s for a 64-bit target, where every
 * scalar (integers up to 64 bits, booleans, characters, floats, enums) takes one data word. Structs
 * flatten field by field and arrays element by element; a sequence or string is the message's one
 * indirect string plus three header words; a capability takes a capability slot.
 *
 * <p>Parameters that do not fit the data words travel in the indirect string, as Coyotos's capidl
 * lays them ({@code _indirect} in {@code o_c_hdr.cxx}): in parameter order, a parameter goes in the
 * data words only if all of it fits there and no earlier parameter went to the string; otherwise
 * it, and every later data parameter, is laid into the string as a C struct member would be
 * (natural alignment, C sizes; a sequence header as three 8-byte words) from offset 0. Capabilities
 * never go there. The bytes of the sequence, if any, follow at the next 8-byte boundary.
 */
public final class WireLayout {
  private WireLayout() {}

  /** Request word that carries the method code. */
  public static final int OPCODE_WORD = 1;

  /** First request word for arguments. */
  public static final int FIRST_ARG_WORD = 2;

  /** First reply word for results. */
  public static final int FIRST_RESULT_WORD = 1;

  /** The last data word of a message (words 1..7 are data; word 0 is the ICW). */
  public static final int LAST_DATA_WORD = 7;

  /** Send slot that carries the reply endpoint. */
  public static final int REPLY_CAP_SLOT = 0;

  /** First send slot for capability arguments. */
  public static final int FIRST_CAP_ARG_SLOT = 1;

  /** Capability arguments per request (send slots 1..3). */
  public static final int MAX_CAP_ARGS = 3;

  /** Capability results per reply (receive slots 0..3). */
  public static final int MAX_CAP_RESULTS = 4;

  /** Word of an exceptional reply that carries the 64-bit exception code. */
  public static final int EXCEPTION_CODE_WORD = 1;

  /** Data words a sequence or string header takes: capacity, length, address. */
  public static final int STRING_HEADER_WORDS = 3;

  /** The layout of {@code m}; throws, at the offending parameter, if it does not fit. */
  public static MethodLayout of(MethodDef m) throws IdlException {
    if (m.isClient()) {
      throw new IllegalArgumentException(
          m.qualifiedName() + " is a client method: it never travels");
    }
    Builder req = new Builder(m, true);
    req.words.add(
        new WordSlot(
            OPCODE_WORD, null, List.of(), Type.IntType.UNSIGNED_LONG, WordSlot.Role.OPCODE));
    for (Param p : m.inParams()) {
      req.add(p);
    }
    Builder rep = new Builder(m, false);
    for (Param p : m.outParams()) {
      rep.add(p);
    }
    return new MethodLayout(m, req.message(), rep.message());
  }

  /** The layout of an exceptional reply carrying {@code e}; its fields must be scalars. */
  public static ExceptionLayout of(ExceptionDef e) throws IdlException {
    List<WordSlot> words = new ArrayList<>();
    words.add(
        new WordSlot(
            EXCEPTION_CODE_WORD,
            null,
            List.of(),
            new Type.IntType(64, false),
            WordSlot.Role.EXCEPTION_CODE));
    int next = EXCEPTION_CODE_WORD + 1;
    for (Field f : e.fields()) {
      Count c = count(f.type());
      if (c.caps > 0 || c.strings > 0) {
        throw new IdlException(
            f.pos(),
            "field '"
                + f.name()
                + "' of exception '"
                + e.name()
                + "' must hold only scalars: an exception carries no capabilities or strings");
      }
      if (next + c.words - 1 > LAST_DATA_WORD) {
        throw new IdlException(
            f.pos(),
            "too many data words in exception '"
                + e.name()
                + "': its fields need "
                + (next - 2 + c.words)
                + ", at most "
                + (LAST_DATA_WORD - 1)
                + " (word 1 holds the code)");
      }
      List<Step> path = List.of(new Step.Field(f.name(), f.type()));
      next = scalars(words, next, path, f.type());
    }
    return new ExceptionLayout(e, words);
  }

  private static int scalars(List<WordSlot> out, int word, List<Step> path, Type t) {
    Type r = t.resolved();
    switch (r) {
      case Type.StructType s -> {
        for (Field f : s.def().fields()) {
          word = scalars(out, word, append(path, new Step.Field(f.name(), f.type())), f.type());
        }
      }
      case Type.ArrayType a -> {
        for (int i = 0; i < a.length(); i++) {
          word = scalars(out, word, append(path, new Step.Element(i, a.element())), a.element());
        }
      }
      default -> out.add(new WordSlot(word++, null, path, r, WordSlot.Role.VALUE));
    }
    return word;
  }

  /** How many data words, capabilities and strings a value of {@code t} takes. */
  public static Count count(Type t) {
    Type r = t.resolved();
    return switch (r) {
      case Type.CapType c -> new Count(0, 1, 0);
      case Type.SequenceType s -> new Count(STRING_HEADER_WORDS, 0, 1);
      case Type.StringType s -> new Count(STRING_HEADER_WORDS, 0, 1);
      case Type.StructType s -> {
        Count sum = new Count(0, 0, 0);
        for (Field f : s.def().fields()) {
          sum = sum.plus(count(f.type()));
        }
        yield sum;
      }
      case Type.ArrayType a -> count(a.element()).times(a.length());
      case Type.VoidType v -> new Count(0, 0, 0);
      default -> new Count(1, 0, 0);
    };
  }

  /**
   * Data words, capabilities and indirect strings of a value, saturating instead of overflowing.
   */
  public record Count(long words, long caps, long strings) {
    Count plus(Count o) {
      return new Count(sat(words + o.words), sat(caps + o.caps), sat(strings + o.strings));
    }

    Count times(long n) {
      return new Count(mul(words, n), mul(caps, n), mul(strings, n));
    }

    private static long sat(long v) {
      return v < 0 ? Long.MAX_VALUE : v;
    }

    private static long mul(long a, long n) {
      try {
        return Math.multiplyExact(a, n);
      } catch (ArithmeticException e) {
        return Long.MAX_VALUE;
      }
    }
  }

  /**
   * The size in bytes of one value of {@code t} inside an indirect string (C sizes, natural
   * alignment). Capabilities and nested sequences cannot be in a string.
   */
  public static int byteSize(Type t) {
    Type r = t.resolved();
    return switch (r) {
      case Type.IntType i -> i.bits() / 8;
      case Type.BoolType b -> 1;
      case Type.CharType c -> c.bits() / 8;
      case Type.FloatType f -> f.bits() / 8;
      case Type.EnumType e -> e.def().base().bits() / 8;
      case Type.ArrayType a ->
          Math.toIntExact(Math.multiplyExact(byteSize(a.element()), a.length()));
      case Type.StructType s -> {
        int size = 0;
        int maxAlign = 1;
        for (Field f : s.def().fields()) {
          int al = alignment(f.type());
          maxAlign = Math.max(maxAlign, al);
          size = roundUp(size, al) + byteSize(f.type());
        }
        yield roundUp(size, maxAlign);
      }
      default -> throw new IllegalArgumentException(r.idl() + " has no size inside a string");
    };
  }

  /**
   * The alignment in bytes of a value of {@code t} inside an indirect string: its size for a
   * scalar, its element's for an array, its widest field's for a struct.
   */
  public static int alignment(Type t) {
    Type r = t.resolved();
    return switch (r) {
      case Type.ArrayType a -> alignment(a.element());
      case Type.StructType s -> {
        int al = 1;
        for (Field f : s.def().fields()) {
          al = Math.max(al, alignment(f.type()));
        }
        yield al;
      }
      default -> byteSize(r);
    };
  }

  /** Bytes a sequence or string header takes where it lies in a string: three 8-byte words. */
  public static final int STRING_HEADER_BYTES = STRING_HEADER_WORDS * 8;

  /** The longest indirect string a message can carry (the kernel's limit, 64 KiB). */
  public static final int MAX_STRING_BYTES = 65536;

  /**
   * The size in bytes of a parameter of type {@code t} laid into a message's string because it did
   * not fit the data words: {@link #byteSize}, except that a sequence or string header takes {@link
   * #STRING_HEADER_BYTES}.
   */
  public static int stringSize(Type t) {
    Type r = t.resolved();
    return switch (r) {
      case Type.SequenceType s -> STRING_HEADER_BYTES;
      case Type.StringType s -> STRING_HEADER_BYTES;
      case Type.ArrayType a ->
          Math.toIntExact(Math.multiplyExact(stringSize(a.element()), a.length()));
      case Type.StructType s -> {
        int size = 0;
        for (Field f : s.def().fields()) {
          size = roundUp(size, stringAlignment(f.type())) + stringSize(f.type());
        }
        yield roundUp(size, stringAlignment(r));
      }
      default -> byteSize(r);
    };
  }

  /** The alignment of a parameter laid into a string: as {@link #alignment}; a header's is 8. */
  public static int stringAlignment(Type t) {
    Type r = t.resolved();
    return switch (r) {
      case Type.SequenceType s -> 8;
      case Type.StringType s -> 8;
      case Type.ArrayType a -> stringAlignment(a.element());
      case Type.StructType s -> {
        int al = 1;
        for (Field f : s.def().fields()) {
          al = Math.max(al, stringAlignment(f.type()));
        }
        yield al;
      }
      default -> alignment(r);
    };
  }

  private static int roundUp(int v, int al) {
    return (v + al - 1) / al * al;
  }

  private static List<Step> append(List<Step> path, Step s) {
    List<Step> p = new ArrayList<>(path);
    p.add(s);
    return p;
  }

  /** Places one direction's parameters, checking the limits in parameter order. */
  private static final class Builder {
    final MethodDef m;
    final boolean request;
    final List<WordSlot> words = new ArrayList<>();
    final List<CapSlot> caps = new ArrayList<>();
    final List<StringField> stringFields = new ArrayList<>();
    StringSlot string;
    boolean spilling;
    int spillBytes;
    long nextWord;
    long nextCap;
    long strings;

    Builder(MethodDef m, boolean request) {
      this.m = m;
      this.request = request;
      this.nextWord = request ? FIRST_ARG_WORD : FIRST_RESULT_WORD;
      this.nextCap = request ? FIRST_CAP_ARG_SLOT : 0;
    }

    void add(Param p) throws IdlException {
      Count c = count(p.type());
      SourcePos pos = p.pos();
      long capsUsed = nextCap - (request ? FIRST_CAP_ARG_SLOT : 0) + c.caps;
      if (request && capsUsed > MAX_CAP_ARGS) {
        throw new IdlException(
            pos,
            "too many capability arguments to method '"
                + m.name()
                + "': at most "
                + MAX_CAP_ARGS
                + " (send slot 0 carries the reply endpoint)");
      }
      if (!request && capsUsed > MAX_CAP_RESULTS) {
        throw new IdlException(
            pos,
            "too many capability results from method '"
                + m.name()
                + "': at most "
                + MAX_CAP_RESULTS);
      }
      if (strings + c.strings > 1) {
        throw new IdlException(
            pos,
            "method '"
                + m.name()
                + (request ? "' sends" : "' returns")
                + " more than one sequence or string (a message has one indirect string)");
      }
      // Coyotos's rule: a parameter goes in the data words if all of it fits there and no earlier
      // one went to the string; otherwise it, and every later one, goes to the string.
      if (c.words > 0 && (spilling || nextWord - 1 + c.words > LAST_DATA_WORD)) {
        if (c.caps > 0) {
          throw new IdlException(
              pos,
              "parameter '"
                  + p.name()
                  + "' of method '"
                  + m.name()
                  + "' does not fit the data words and holds capabilities, which cannot travel"
                  + " in the string");
        }
        spilling = true;
        int at = roundUp(spillBytes, stringAlignment(p.type()));
        long end;
        try {
          end = at + (long) stringSize(p.type());
        } catch (ArithmeticException e) {
          end = Long.MAX_VALUE;
        }
        checkStringSize(end, pos); // before laying out: the parameter may be huge
        spill(p, List.of(), p.type(), at, pos);
        spillBytes = (int) end;
        checkStringSize(
            string == null ? end : roundUp((int) end, 8) + Math.max(string.maxBytes(), 0), pos);
        return;
      }
      place(p, List.of(), p.type(), pos);
    }

    void checkStringSize(long bytes, SourcePos pos) throws IdlException {
      if (bytes > MAX_STRING_BYTES) {
        throw new IdlException(
            pos,
            "the indirect string "
                + (request ? "of the request of" : "of the reply of")
                + " method '"
                + m.name()
                + "' would exceed "
                + MAX_STRING_BYTES
                + " bytes");
      }
    }

    /** Lays a leaf of {@code p} that did not fit the data words into the string at {@code at}. */
    void spill(Param p, List<Step> path, Type t, int at, SourcePos pos) throws IdlException {
      Type r = t.resolved();
      switch (r) {
        case Type.StructType s -> {
          int off = 0;
          for (Field f : s.def().fields()) {
            off = roundUp(off, stringAlignment(f.type()));
            spill(p, append(path, new Step.Field(f.name(), f.type())), f.type(), at + off, pos);
            off += stringSize(f.type());
          }
        }
        case Type.ArrayType a -> {
          int size = stringSize(a.element());
          for (int i = 0; i < a.length(); i++) {
            spill(
                p, append(path, new Step.Element(i, a.element())), a.element(), at + i * size, pos);
          }
        }
        case Type.SequenceType s -> {
          stringFields.add(new StringField(at, 8, p, path, r, WordSlot.Role.STRING_MAX));
          stringFields.add(new StringField(at + 8, 8, p, path, r, WordSlot.Role.STRING_LENGTH));
          stringFields.add(new StringField(at + 16, 8, p, path, r, WordSlot.Role.STRING_ADDRESS));
          string(p, path, r, s.element(), s.bound(), pos, -1, -1, -1);
        }
        case Type.StringType s -> {
          stringFields.add(new StringField(at, 8, p, path, r, WordSlot.Role.STRING_MAX));
          stringFields.add(new StringField(at + 8, 8, p, path, r, WordSlot.Role.STRING_LENGTH));
          stringFields.add(new StringField(at + 16, 8, p, path, r, WordSlot.Role.STRING_ADDRESS));
          string(p, path, r, new Type.CharType(8, false), s.bound(), pos, -1, -1, -1);
        }
        default ->
            stringFields.add(new StringField(at, byteSize(r), p, path, r, WordSlot.Role.VALUE));
      }
    }

    void place(Param p, List<Step> path, Type t, SourcePos pos) throws IdlException {
      Type r = t.resolved();
      switch (r) {
        case Type.CapType c -> caps.add(new CapSlot((int) nextCap++, p, path, c));
        case Type.StructType s -> {
          for (Field f : s.def().fields()) {
            place(p, append(path, new Step.Field(f.name(), f.type())), f.type(), pos);
          }
        }
        case Type.ArrayType a -> {
          for (int i = 0; i < a.length(); i++) {
            place(p, append(path, new Step.Element(i, a.element())), a.element(), pos);
          }
        }
        case Type.SequenceType s -> headerWords(p, path, r, s.element(), s.bound(), pos);
        case Type.StringType s ->
            headerWords(p, path, r, new Type.CharType(8, false), s.bound(), pos);
        default -> words.add(new WordSlot((int) nextWord++, p, path, r, WordSlot.Role.VALUE));
      }
    }

    /** A sequence or string whose three header words fit the data words. */
    void headerWords(Param p, List<Step> path, Type t, Type element, long bound, SourcePos pos)
        throws IdlException {
      int maxW = (int) nextWord++;
      int lenW = (int) nextWord++;
      int ptrW = (int) nextWord++;
      words.add(new WordSlot(maxW, p, path, t, WordSlot.Role.STRING_MAX));
      words.add(new WordSlot(lenW, p, path, t, WordSlot.Role.STRING_LENGTH));
      words.add(new WordSlot(ptrW, p, path, t, WordSlot.Role.STRING_ADDRESS));
      string(p, path, t, element, bound, pos, maxW, lenW, ptrW);
    }

    void string(
        Param p,
        List<Step> path,
        Type t,
        Type element,
        long bound,
        SourcePos pos,
        int maxW,
        int lenW,
        int ptrW)
        throws IdlException {
      Count ec = count(element);
      if (ec.caps > 0) {
        throw new IdlException(pos, "a sequence cannot carry capabilities (" + t.idl() + ")");
      }
      if (ec.strings > 0) {
        throw new IdlException(
            pos, "a sequence cannot hold sequences or strings (" + t.idl() + ")");
      }
      int eb = byteSize(element);
      long maxBytes = bound < 0 ? -1 : Math.multiplyExact(bound, (long) eb);
      string = new StringSlot(p, path, t, element, bound, eb, maxBytes, maxW, lenW, ptrW);
      strings++;
    }

    Message message() {
      return new Message(words, caps, Optional.ofNullable(string), stringFields, spillBytes);
    }
  }
}
