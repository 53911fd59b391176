package jackal.idl.syntax;

import jackal.idl.IdlException;
import jackal.idl.SourceFile;
import jackal.idl.SourcePos;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits CapIDL text into tokens. Comments are dropped, except doc comments ({@code ///} lines and
 * {@code /** ... *}{@code /} blocks), whose text rides on the next token (see {@link Token#doc()}).
 * Integer literals are decimal, hexadecimal ({@code 0x}) or octal (a leading {@code 0}), with
 * optional C suffixes ({@code u}, {@code l}, {@code ull}, ...); a character literal ({@code 'a'})
 * is an integer.
 */
public final class Lexer {
  /** Reserved words: they cannot name anything. */
  public static final Set<String> KEYWORDS =
      Set.of(
          "package",
          "interface",
          "abstract",
          "extends",
          "raises",
          "exception",
          "typedef",
          "enum",
          "bitset",
          "struct",
          "union",
          "namespace",
          "const",
          "oneway",
          "client",
          "nostub",
          "inherits",
          "in",
          "out",
          "void",
          "boolean",
          "char",
          "wchar",
          "byte",
          "short",
          "long",
          "unsigned",
          "integer",
          "float",
          "double",
          "string",
          "sequence",
          "array",
          "buffer",
          "true",
          "false");

  private static final String TWO_CHAR_PUNCT = "<< >> ::";
  private static final String ONE_CHAR_PUNCT = ";,{}()<>=+-*/%|&^~.[]:";

  private final String file;
  private final String src;
  private int at;
  private int line = 1;
  private int col = 1;
  private StringBuilder doc;

  private Lexer(SourceFile source) {
    this.file = source.name();
    this.src = source.text();
  }

  /** All tokens of {@code source}, ending with one {@link Token.Kind#EOF}. */
  public static List<Token> tokenize(SourceFile source) throws IdlException {
    return new Lexer(source).run();
  }

  private List<Token> run() throws IdlException {
    List<Token> out = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      SourcePos pos = here();
      String d = takeDoc();
      if (at >= src.length()) {
        out.add(new Token(Token.Kind.EOF, "", pos, d, null));
        return out;
      }
      char c = src.charAt(at);
      if (Character.isLetter(c) || c == '_') {
        int start = at;
        while (at < src.length() && isIdentPart(src.charAt(at))) {
          advance();
        }
        String word = src.substring(start, at);
        if (!isAscii(word)) {
          throw new IdlException(pos, "identifiers must be ASCII: '" + word + "'");
        }
        out.add(
            new Token(
                KEYWORDS.contains(word) ? Token.Kind.KEYWORD : Token.Kind.IDENT,
                word,
                pos,
                d,
                null));
      } else if (c >= '0' && c <= '9') {
        out.add(number(pos, d));
      } else if (c == '\'') {
        out.add(charLiteral(pos, d));
      } else {
        String two = at + 1 < src.length() ? src.substring(at, at + 2) : "";
        if (two.length() == 2 && TWO_CHAR_PUNCT.contains(two) && !two.contains(" ")) {
          advance();
          advance();
          out.add(new Token(Token.Kind.PUNCT, two, pos, d, null));
        } else if (ONE_CHAR_PUNCT.indexOf(c) >= 0) {
          advance();
          out.add(new Token(Token.Kind.PUNCT, String.valueOf(c), pos, d, null));
        } else if (c == '"') {
          throw new IdlException(pos, "string literals are not part of CapIDL expressions");
        } else {
          throw new IdlException(pos, "unexpected character " + printable(c));
        }
      }
    }
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(ch -> ch < 0x80);
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  private SourcePos here() {
    return new SourcePos(file, line, col);
  }

  private void advance() {
    if (src.charAt(at) == '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    at++;
  }

  private boolean startsWith(String s) {
    return src.startsWith(s, at);
  }

  private String takeDoc() {
    if (doc == null) {
      return null;
    }
    String d = doc.toString().strip();
    doc = null;
    return d.isEmpty() ? null : d;
  }

  private void addDoc(String text) {
    if (doc == null) {
      doc = new StringBuilder();
    } else if (!doc.isEmpty()) {
      doc.append('\n');
    }
    doc.append(text);
  }

  private void skipSpaceAndComments() throws IdlException {
    while (at < src.length()) {
      char c = src.charAt(at);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        advance();
      } else if (startsWith("//")) {
        boolean isDoc = startsWith("///") && !startsWith("////");
        int start = at;
        while (at < src.length() && src.charAt(at) != '\n') {
          advance();
        }
        if (isDoc) {
          String body = src.substring(start + 3, at);
          if (body.endsWith("\r")) {
            body = body.substring(0, body.length() - 1);
          }
          addDoc(body.startsWith(" ") ? body.substring(1) : body);
        }
      } else if (startsWith("/*")) {
        SourcePos open = here();
        boolean isDoc = startsWith("/**") && !startsWith("/**/") && !startsWith("/***");
        int start = at;
        advance();
        advance();
        while (at < src.length() && !startsWith("*/")) {
          advance();
        }
        if (at >= src.length()) {
          throw new IdlException(open, "unterminated comment");
        }
        String body = src.substring(start + 2, at);
        advance();
        advance();
        if (isDoc) {
          addDoc(cleanBlock(body.substring(1)));
        }
      } else {
        return;
      }
    }
  }

  /** The text of a doc block without its leading stars and surrounding blank lines. */
  private static String cleanBlock(String body) {
    StringBuilder sb = new StringBuilder();
    for (String l : body.split("\r?\n", -1)) {
      String s = l.stripLeading();
      if (s.startsWith("*")) {
        s = s.substring(1);
        if (s.startsWith(" ")) {
          s = s.substring(1);
        }
      }
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append(s.stripTrailing());
    }
    return sb.toString().strip();
  }

  private Token number(SourcePos pos, String d) throws IdlException {
    int start = at;
    BigInteger value;
    if (startsWith("0x") || startsWith("0X")) {
      advance();
      advance();
      int digits = at;
      while (at < src.length() && Character.digit(src.charAt(at), 16) >= 0) {
        advance();
      }
      if (at == digits) {
        throw new IdlException(pos, "malformed number: '0x' needs hexadecimal digits");
      }
      value = new BigInteger(src.substring(digits, at), 16);
    } else {
      while (at < src.length() && Character.isDigit(src.charAt(at))) {
        advance();
      }
      String digits = src.substring(start, at);
      if (digits.length() > 1 && digits.charAt(0) == '0') {
        if (!digits.chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
          throw new IdlException(
              pos, "malformed number: octal literal " + digits + " has digits 8 or 9");
        }
        value = new BigInteger(digits.substring(1), 8);
      } else {
        value = new BigInteger(digits);
      }
    }
    while (at < src.length() && "uUlL".indexOf(src.charAt(at)) >= 0) {
      advance();
    }
    if (at < src.length() && isIdentPart(src.charAt(at))) {
      while (at < src.length() && isIdentPart(src.charAt(at))) {
        advance();
      }
      throw new IdlException(pos, "malformed number '" + src.substring(start, at) + "'");
    }
    return new Token(Token.Kind.INT, src.substring(start, at), pos, d, value);
  }

  private Token charLiteral(SourcePos pos, String d) throws IdlException {
    int start = at;
    advance();
    if (at >= src.length() || src.charAt(at) == '\n' || src.charAt(at) == '\'') {
      throw new IdlException(pos, "malformed character literal");
    }
    int ch;
    if (src.charAt(at) == '\\') {
      advance();
      if (at >= src.length()) {
        throw new IdlException(pos, "malformed character literal");
      }
      ch =
          switch (src.charAt(at)) {
            case 'n' -> '\n';
            case 't' -> '\t';
            case 'r' -> '\r';
            case '0' -> 0;
            case '\\' -> '\\';
            case '\'' -> '\'';
            default -> throw new IdlException(pos, "unknown escape in character literal");
          };
    } else {
      ch = src.charAt(at);
    }
    advance();
    if (at >= src.length() || src.charAt(at) != '\'') {
      throw new IdlException(pos, "malformed character literal");
    }
    advance();
    return new Token(Token.Kind.INT, src.substring(start, at), pos, d, BigInteger.valueOf(ch));
  }
}
