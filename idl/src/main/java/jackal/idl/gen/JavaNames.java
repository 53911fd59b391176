package jackal.idl.gen;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Java spellings of CapIDL names and values. */
public final class JavaNames {
  private JavaNames() {}

  /** Java's reserved words and literals. */
  public static final Set<String> RESERVED =
      Set.of(
          "abstract",
          "assert",
          "boolean",
          "break",
          "byte",
          "case",
          "catch",
          "char",
          "class",
          "const",
          "continue",
          "default",
          "do",
          "double",
          "else",
          "enum",
          "extends",
          "final",
          "finally",
          "float",
          "for",
          "goto",
          "if",
          "implements",
          "import",
          "instanceof",
          "int",
          "interface",
          "long",
          "native",
          "new",
          "package",
          "private",
          "protected",
          "public",
          "return",
          "short",
          "static",
          "strictfp",
          "super",
          "switch",
          "synchronized",
          "this",
          "throw",
          "throws",
          "transient",
          "try",
          "void",
          "volatile",
          "while",
          "true",
          "false",
          "null",
          "_",
          "var",
          "yield",
          "record",
          "sealed",
          "permits",
          "non-sealed");

  /** {@code name}, with an underscore appended if Java reserves it. */
  public static String identifier(String name) {
    return RESERVED.contains(name) ? name + "_" : name;
  }

  /** The Java package for a CapIDL package under {@code prefix} (which may be empty). */
  public static String javaPackage(String prefix, String idlPackage) {
    List<String> parts = new ArrayList<>();
    for (String s : idlPackage.split("\\.")) {
      parts.add(identifier(s));
    }
    String p = String.join(".", parts);
    return prefix.isEmpty() ? p : prefix + "." + p;
  }

  /** An {@code int} literal in hexadecimal, e.g. {@code 0x4701051a}. */
  public static String hex(int v) {
    return String.format("0x%08x", v);
  }

  /** A {@code long} literal in hexadecimal, e.g. {@code 0x46c3958a20f257e9L}. */
  public static String hex(long v) {
    return String.format("0x%016xL", v);
  }

  /**
   * CapIDL doc text as the body of a Javadoc comment: HTML special characters, {@code @} and
   * comment ends are escaped, so IDL markup (Doxygen tags) reads as text.
   */
  public static String docText(String doc) {
    return doc.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("@", "&#64;")
        .replace("*/", "*&#47;")
        .replace("\\u", "\\\\u");
  }

  /** A Javadoc comment at {@code indent}, from lines that are already escaped. */
  public static String javadoc(String indent, List<String> lines) {
    StringBuilder sb = new StringBuilder();
    if (lines.size() == 1 && !lines.getFirst().contains("\n")) {
      return indent + "/** " + lines.getFirst() + " */\n";
    }
    sb.append(indent).append("/**\n");
    boolean first = true;
    for (String para : lines) {
      if (!first) {
        sb.append(indent).append(" *\n");
        para = "<p>" + para;
      }
      first = false;
      for (String l : para.split("\n", -1)) {
        sb.append(indent).append(" *").append(l.isEmpty() ? "" : " " + l).append('\n');
      }
    }
    sb.append(indent).append(" */\n");
    return sb.toString();
  }
}
