package jackal.image.syntax;

import jackal.image.ImageException;
import jackal.image.SourcePos;
import jackal.image.syntax.Token.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits image-language text into tokens. White space and both comment forms ({@code //} to the end
 * of the line, {@code /* ... *}{@code /}) separate tokens and are dropped. A line ends at LF, CR,
 * or CR LF.
 *
 * <p>Identifiers start with a letter or underscore and continue with letters, digits, underscores
 * and hyphens, so {@code a-b} is one identifier and subtraction needs spaces around its {@code -}.
 * Integer literals are decimal, octal (a leading {@code 0}) or hexadecimal ({@code 0x}); a digit
 * too large for its base is an error. Strings take the escapes {@code \n \r \t \b \s \f \" \\} and
 * {@code \{U+hex}}.
 */
public final class Lexer {
  /**
   * Words that cannot name anything. {@code external}, {@code lambda}, {@code not} and {@code
   * using} are reserved for the future, as in mkimage; {@code do} and {@code while} are the loop
   * keywords mkimage's grammar uses.
   */
  public static final Set<String> RESERVED =
      Set.of(
          "capreg",
          "def",
          "do",
          "else",
          "enum",
          "export",
          "external",
          "false",
          "if",
          "import",
          "lambda",
          "module",
          "new",
          "not",
          "print",
          "return",
          "true",
          "using",
          "while");

  private static final Set<String> TWO_CHAR = Set.of("==", "!=", "<=", ">=");
  private static final String ONE_CHAR = "{}()[];,.=+-*/%<>!";

  private final String file;
  private final int[] cps;
  private int at;
  private int line = 1;
  private int column = 1;

  private Lexer(String file, String text) {
    this.file = file;
    this.cps = text.codePoints().toArray();
  }

  /** The tokens of {@code text}, ending with one {@link Kind#EOF} token. */
  public static List<Token> tokenize(String file, String text) throws ImageException {
    return new Lexer(file, text).run();
  }

  private List<Token> run() throws ImageException {
    List<Token> out = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      SourcePos pos = here();
      if (at >= cps.length) {
        out.add(new Token(Kind.EOF, "", 0, pos));
        return out;
      }
      int c = cps[at];
      if (isIdentStart(c)) {
        out.add(identifier(pos));
      } else if (c >= '0' && c <= '9') {
        out.add(integer(pos));
      } else if (c == '"') {
        out.add(string(pos));
      } else {
        out.add(punctuation(pos, c));
      }
    }
  }

  private SourcePos here() {
    return new SourcePos(file, line, column);
  }

  private int peek(int ahead) {
    return at + ahead < cps.length ? cps[at + ahead] : -1;
  }

  /** Consumes one code point, keeping line and column right for LF, CR and CR LF. */
  private int advance() {
    int c = cps[at++];
    if (c == '\n' || (c == '\r' && peek(0) != '\n')) {
      line++;
      column = 1;
    } else if (c != '\r') {
      column++;
    }
    return c;
  }

  private void skipSpaceAndComments() throws ImageException {
    while (at < cps.length) {
      int c = cps[at];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        advance();
      } else if (c == '/' && peek(1) == '/') {
        while (at < cps.length && cps[at] != '\n' && cps[at] != '\r') {
          advance();
        }
      } else if (c == '/' && peek(1) == '*') {
        SourcePos start = here();
        advance();
        advance();
        while (!(peek(0) == '*' && peek(1) == '/')) {
          if (at >= cps.length) {
            throw new ImageException(start, "comment is not closed: '/*' without '*/'");
          }
          advance();
        }
        advance();
        advance();
      } else {
        return;
      }
    }
  }

  private static boolean isIdentStart(int c) {
    return c == '_' || Character.isUnicodeIdentifierStart(c);
  }

  private static boolean isIdentPart(int c) {
    return c == '_'
        || c == '-'
        || (c >= 0 && Character.isUnicodeIdentifierPart(c) && !isIgnorable(c));
  }

  private static boolean isIgnorable(int c) {
    return Character.isIdentifierIgnorable(c);
  }

  private Token identifier(SourcePos pos) throws ImageException {
    StringBuilder sb = new StringBuilder();
    while (at < cps.length && isIdentPart(cps[at])) {
      sb.appendCodePoint(advance());
    }
    String word = sb.toString();
    if (RESERVED.contains(word)) {
      return new Token(Kind.RESERVED, word, 0, pos);
    }
    if (word.startsWith("__")) {
      throw new ImageException(
          pos, "identifier '" + word + "' starts with '__', which is reserved");
    }
    return new Token(Kind.IDENT, word, 0, pos);
  }

  private Token integer(SourcePos pos) throws ImageException {
    StringBuilder sb = new StringBuilder();
    int base = 10;
    int digitsFrom = 0;
    if (cps[at] == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      sb.appendCodePoint(advance()).appendCodePoint(advance());
      base = 16;
      digitsFrom = 2;
    } else if (cps[at] == '0') {
      base = 8;
    }
    // The literal runs over every letter and digit, so that "09" or "12ab" is one bad literal
    // rather than a number followed by an identifier.
    List<SourcePos> places = new ArrayList<>();
    while (at < cps.length && (Character.isLetterOrDigit(cps[at]) || cps[at] == '_')) {
      places.add(here());
      sb.appendCodePoint(advance());
    }
    String text = sb.toString();
    if (base == 16 && text.length() == 2) {
      throw new ImageException(pos, "hexadecimal literal '" + text + "' has no digits");
    }
    long value = 0;
    for (int i = digitsFrom; i < text.length(); i++) {
      char ch = text.charAt(i);
      int d = Character.digit(ch, 36);
      if (d < 0 || d >= base || ch > 'z') {
        SourcePos where = places.get(i - (base == 16 ? 2 : 0));
        throw new ImageException(
            where, "digit '" + ch + "' is not valid in base " + base + " (literal '" + text + "')");
      }
      long next = value * base + d;
      if (Long.compareUnsigned(value, Long.divideUnsigned(-1L, base)) > 0
          || Long.compareUnsigned(next, value * base) < 0) {
        throw new ImageException(pos, "integer literal '" + text + "' does not fit in 64 bits");
      }
      value = next;
    }
    return new Token(Kind.INT, text, value, pos);
  }

  private Token string(SourcePos pos) throws ImageException {
    advance();
    StringBuilder sb = new StringBuilder();
    while (true) {
      if (at >= cps.length) {
        throw new ImageException(pos, "string is not closed: missing '\"'");
      }
      SourcePos cpos = here();
      int c = cps[at];
      if (c == '"') {
        advance();
        return new Token(Kind.STRING, sb.toString(), 0, pos);
      }
      if (c == '\\') {
        advance();
        sb.appendCodePoint(escape(cpos));
        continue;
      }
      if (c == '\n' || c == '\r') {
        throw new ImageException(pos, "string is not closed before the end of the line");
      }
      if (!printable(c)) {
        throw new ImageException(
            cpos,
            String.format(
                "character U+%04X is not allowed in a string; write it as \\{U+%X}", c, c));
      }
      sb.appendCodePoint(advance());
    }
  }

  private static boolean printable(int c) {
    if (c == ' ') {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL,
          Character.FORMAT,
          Character.SURROGATE,
          Character.UNASSIGNED,
          Character.SPACE_SEPARATOR,
          Character.LINE_SEPARATOR,
          Character.PARAGRAPH_SEPARATOR ->
          false;
      default -> true;
    };
  }

  private int escape(SourcePos pos) throws ImageException {
    if (at >= cps.length) {
      throw new ImageException(pos, "string is not closed: missing '\"'");
    }
    int c = advance();
    return switch (c) {
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'b' -> '\b';
      case 's' -> ' ';
      case 'f' -> '\f';
      case '"' -> '"';
      case '\\' -> '\\';
      case '{' -> unicodeEscape(pos);
      default ->
          throw new ImageException(
              pos, "unknown escape '\\" + new String(Character.toChars(c)) + "' in string");
    };
  }

  private int unicodeEscape(SourcePos pos) throws ImageException {
    if (peek(0) != 'U' || peek(1) != '+') {
      throw new ImageException(pos, "a '\\{' escape is written \\{U+hex}");
    }
    advance();
    advance();
    long cp = 0;
    int digits = 0;
    while (at < cps.length && Character.digit(cps[at], 16) >= 0 && cps[at] < 128) {
      cp = cp * 16 + Character.digit(advance(), 16);
      if (++digits > 6) {
        break;
      }
    }
    if (digits == 0 || peek(0) != '}') {
      throw new ImageException(pos, "a '\\{' escape is written \\{U+hex}");
    }
    advance();
    if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
      throw new ImageException(pos, String.format("U+%X is not a Unicode code point", cp));
    }
    return (int) cp;
  }

  private Token punctuation(SourcePos pos, int c) throws ImageException {
    if (at + 1 < cps.length) {
      String two = new String(cps, at, 2);
      if (TWO_CHAR.contains(two)) {
        advance();
        advance();
        return new Token(Kind.PUNCT, two, 0, pos);
      }
    }
    if (c < 128 && ONE_CHAR.indexOf(c) >= 0) {
      advance();
      return new Token(Kind.PUNCT, String.valueOf((char) c), 0, pos);
    }
    String shown =
        printable(c) ? "'" + new String(Character.toChars(c)) + "'" : String.format("U+%04X", c);
    throw new ImageException(pos, "unexpected character " + shown);
  }
}
