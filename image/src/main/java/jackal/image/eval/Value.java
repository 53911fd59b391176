package jackal.image.eval;

import jackal.image.ImageException;
import jackal.image.SourcePos;
import jackal.image.syntax.Ast;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.ObjectRef;
import java.util.List;
import java.util.Map;

/** A value of the image language. */
public sealed interface Value {
  /** {@code noun} with its indefinite article, for messages: "an integer", "a string". */
  static String a(String noun) {
    return ("AEIOUaeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }

  /** How error messages name this value's type. */
  String typeName();

  /** How {@code print} shows this value. */
  String show();

  /** The value of statements that compute nothing (definitions, assignments, empty branches). */
  enum Unit implements Value {
    UNIT;

    @Override
    public String typeName() {
      return "unit";
    }

    @Override
    public String show() {
      return "unit";
    }
  }

  /** A 64-bit integer; arithmetic wraps as Java's {@code long} does. */
  record Int(long value) implements Value {
    @Override
    public String typeName() {
      return "integer";
    }

    @Override
    public String show() {
      return Long.toString(value);
    }
  }

  /** A string. */
  record Str(String value) implements Value {
    @Override
    public String typeName() {
      return "string";
    }

    @Override
    public String show() {
      return value;
    }
  }

  /** {@code true} or {@code false}. */
  record Bool(boolean value) implements Value {
    @Override
    public String typeName() {
      return "boolean";
    }

    @Override
    public String show() {
      return Boolean.toString(value);
    }
  }

  /** A procedure defined in a script, closed over the scope it was defined in. */
  record Closure(String name, List<String> params, Ast.Block body, Scope scope, SourcePos pos)
      implements Value {
    @Override
    public String typeName() {
      return "procedure";
    }

    @Override
    public String show() {
      return "<procedure " + name + "(" + String.join(", ", params) + ")>";
    }
  }

  /** A procedure the interpreter supplies. */
  record Builtin(String name, int minArgs, int maxArgs, Body body) implements Value {
    /** What a builtin does; {@code at} is the call's position, for errors. */
    @FunctionalInterface
    public interface Body {
      Value apply(List<Value> args, List<SourcePos> argPositions, SourcePos at)
          throws ImageException;
    }

    @Override
    public String typeName() {
      return "procedure";
    }

    @Override
    public String show() {
      return "<builtin " + name + ">";
    }
  }

  /**
   * A set of named values: the exported symbols of a module, or the members of a named enumeration.
   * Its members cannot be assigned.
   */
  record Namespace(String kind, String name, Map<String, Value> members) implements Value {
    @Override
    public String typeName() {
      return kind;
    }

    @Override
    public String show() {
      return "<" + kind + " " + name + ">";
    }
  }

  /**
   * A bank to allocate from: {@code PrimeBank} (no endpoint of its own here: the space bank's prime
   * endpoint) or a sub-bank made by {@code new Bank(parent)}, an endpoint of the space bank
   * process.
   */
  record Bank(String name, ObjectRef endpoint, Bank parent) implements Value {
    /** The prime bank. */
    public Bank(String name) {
      this(name, null, null);
    }

    @Override
    public String typeName() {
      return "bank";
    }

    @Override
    public String show() {
      return "<bank " + name + ">";
    }
  }

  /**
   * A capability. {@code object} is the kernel object it names when the image made that object
   * (null for a kernel service, a Null capability or an Entry made by {@code enter}); {@code kind}
   * is how messages name it ({@code Process}, {@code Entry}, {@code KernLog}...); {@code restr} is
   * the restriction bits the image added, kept here because {@link CapRef} does not show them.
   */
  record Cap(CapRef ref, ObjectRef object, String kind, int restr) implements Value {
    @Override
    public String typeName() {
      return "capability";
    }

    @Override
    public String show() {
      return ref.toString();
    }
  }

  /** A slot array of an object: a process's {@code capReg}, a GPT's {@code cap}, a CapPage. */
  record Slots(Cap owner, String field, int size) implements Value {
    @Override
    public String typeName() {
      return "slot array";
    }

    @Override
    public String show() {
      return "<" + owner.kind() + " " + owner.object() + " " + field + "[" + size + "]>";
    }
  }
}
