package jackal.kernel.load;

/**
 * Where and why the verifier refused a program: the class (binary name), the method (name and
 * descriptor; empty for a class-level refusal), the bytecode offset (-1 if none), and the member or
 * type reached, with the rule it broke.
 */
public record Refusal(String className, String method, int offset, String reached, String why) {
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("program refused: ").append(className);
    if (!method.isEmpty()) {
      b.append('.').append(method);
    }
    if (offset >= 0) {
      b.append(" at offset ").append(offset);
    }
    if (!reached.isEmpty()) {
      b.append(" reaches ").append(reached);
    }
    return b.append(": ").append(why).toString();
  }
}
