package jackal.image;

/**
 * The qualified CapIDL name of a method code or an exception code ({@code example.KeyValue.put}),
 * as a program's jar carries it ({@code META-INF/jackal/capidl-names.txt}) and a built image file
 * keeps it, so that traces of the booted image name its calls.
 *
 * @param exception true for an exception code (a reply's result word), false for a method code (the
 *     low 32 bits of a call's opcode word)
 * @param code the code; a method code is below 2^32
 * @param name the qualified name: non-empty, no white space or control characters
 */
public record CapIdlName(boolean exception, long code, String name) {
  public CapIdlName {
    if (!exception && (code >>> 32) != 0) {
      throw new IllegalArgumentException("method code 0x" + Long.toHexString(code) + " > 32 bits");
    }
    String why = badName(name);
    if (why != null) {
      throw new IllegalArgumentException(why);
    }
  }

  /** Why {@code name} is not a CapIDL name a trace can print, or null if it is one. */
  public static String badName(String name) {
    if (name == null || name.isEmpty()) {
      return "an empty name";
    }
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        return String.format("the name holds U+%04X", c);
      }
      i += Character.charCount(c);
    }
    return null;
  }
}
