package jackal.idl.syntax;

import jackal.idl.SourcePos;
import java.math.BigInteger;

/**
 * One token of CapIDL source.
 *
 * @param kind what sort of token
 * @param text the exact spelling (for {@link Kind#EOF}, empty)
 * @param pos where it starts
 * @param doc the doc comments ({@code ///} lines and {@code /** *}{@code /} blocks) between the
 *     previous token and this one, cleaned of comment markers, or null if there were none
 * @param value the value of an {@link Kind#INT} token, else null
 */
public record Token(Kind kind, String text, SourcePos pos, String doc, BigInteger value) {
  /** Token kinds. Keywords are {@link #KEYWORD}; operators and punctuation {@link #PUNCT}. */
  public enum Kind {
    IDENT,
    KEYWORD,
    INT,
    PUNCT,
    EOF
  }

  /** True if this is the keyword or punctuation {@code s}. */
  public boolean is(String s) {
    return (kind == Kind.KEYWORD || kind == Kind.PUNCT) && text.equals(s);
  }

  /** How a diagnostic names the token. */
  public String describe() {
    return switch (kind) {
      case EOF -> "end of file";
      case IDENT -> "identifier '" + text + "'";
      case KEYWORD -> "keyword '" + text + "'";
      case INT -> "number " + text;
      case PUNCT -> "'" + text + "'";
    };
  }
}
