package jackal.idl.layout;

import jackal.idl.model.Type;

/**
 * One step from a parameter down to the leaf a slot carries: a struct (or exception) field, or an
 * array element. A path is empty when the parameter itself is the leaf.
 */
public sealed interface Step permits Step.Field, Step.Element {
  /** The field called {@code name}, of type {@code type}. */
  record Field(String name, Type type) implements Step {
    @Override
    public String toString() {
      return "." + name;
    }
  }

  /** Element {@code index} of an array. */
  record Element(int index, Type type) implements Step {
    @Override
    public String toString() {
      return "[" + index + "]";
    }
  }

  /** The type reached by this step. */
  Type type();

  /** A path as text, e.g. {@code bits.w[2]} for parameter {@code bits}. */
  static String render(String root, java.util.List<Step> path) {
    StringBuilder sb = new StringBuilder(root);
    path.forEach(sb::append);
    return sb.toString();
  }
}
