package jackal.image.syntax;

import jackal.image.SourcePos;

/**
 * One token. {@code text} is the source spelling (for a string literal, its decoded contents);
 * {@code value} is an integer literal's 64 bits (unsigned literals above {@code Long.MAX_VALUE}
 * keep their bit pattern).
 */
public record Token(Kind kind, String text, long value, SourcePos pos) {
  /** What a token is. Punctuation and reserved words are told apart by {@link #text()}. */
  public enum Kind {
    IDENT,
    RESERVED,
    INT,
    STRING,
    PUNCT,
    EOF
  }

  /** Whether this is the punctuation or reserved word {@code s}. */
  public boolean is(String s) {
    return (kind == Kind.PUNCT || kind == Kind.RESERVED) && text.equals(s);
  }

  /** How an error message names this token. */
  public String describe() {
    return switch (kind) {
      case EOF -> "end of file";
      case STRING -> "string \"" + text + "\"";
      case INT -> "integer " + text;
      case IDENT -> "identifier '" + text + "'";
      case RESERVED -> "reserved word '" + text + "'";
      case PUNCT -> "'" + text + "'";
    };
  }
}
