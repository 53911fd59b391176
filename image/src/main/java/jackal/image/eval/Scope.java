package jackal.image.eval;

import jackal.image.SourcePos;
import java.util.LinkedHashMap;
import java.util.Map;

/** One level of name bindings; lookups continue in the enclosing scope. */
public final class Scope {
  /** A name's current value; enumeration constants are {@code constant}. */
  public static final class Binding {
    private Value value;
    private final boolean constant;
    private final SourcePos definedAt;

    Binding(Value value, boolean constant, SourcePos definedAt) {
      this.value = value;
      this.constant = constant;
      this.definedAt = definedAt;
    }

    public Value value() {
      return value;
    }

    void set(Value v) {
      value = v;
    }

    public boolean constant() {
      return constant;
    }

    public SourcePos definedAt() {
      return definedAt;
    }
  }

  private final Scope parent;
  private final Map<String, Binding> names = new LinkedHashMap<>();

  Scope(Scope parent) {
    this.parent = parent;
  }

  /** The binding of {@code name} here or in an enclosing scope, or null. */
  Binding lookup(String name) {
    for (Scope s = this; s != null; s = s.parent) {
      Binding b = s.names.get(name);
      if (b != null) {
        return b;
      }
    }
    return null;
  }

  /** The binding of {@code name} in this scope only, or null. */
  Binding local(String name) {
    return names.get(name);
  }

  void define(String name, Value value, boolean constant, SourcePos at) {
    names.put(name, new Binding(value, constant, at));
  }
}
