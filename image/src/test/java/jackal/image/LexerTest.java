package jackal.image;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.syntax.Lexer;
import jackal.image.syntax.Token;
import jackal.image.syntax.Token.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {
  private static List<Token> lex(String text) throws ImageException {
    return Lexer.tokenize("f.mki", text);
  }

  @Test
  void everyTokenCarriesFileLineAndColumn() throws Exception {
    List<Token> t = lex("def x =\n  42;");
    assertThat(t)
        .extracting(tk -> tk.pos().toString())
        .containsExactly(
            "f.mki:1:1", "f.mki:1:5", "f.mki:1:7", "f.mki:2:3", "f.mki:2:5", "f.mki:2:6");
    assertThat(t.getLast().kind()).isEqualTo(Kind.EOF);
  }

  @Test
  void crLfAndLoneCrEachEndOneLine() throws Exception {
    List<Token> t = lex("a\r\nb\rc\nd");
    assertThat(t).extracting(tk -> tk.pos().line()).containsExactly(1, 2, 3, 4, 4);
  }

  @Test
  void columnsCountCodePointsNotUtf16Units() throws Exception {
    List<Token> t = lex("\"\uD83D\uDE00\" x");
    assertThat(t.get(1).pos().column()).isEqualTo(5);
  }

  @Test
  void commentsAreWhiteSpaceOfBothForms() throws Exception {
    List<Token> t = lex("a // one\n/* two\n three */ b/**/c");
    assertThat(t).extracting(Token::text).containsExactly("a", "b", "c", "");
    assertThat(t.get(1).pos().line()).isEqualTo(3);
  }

  @Test
  void hyphensContinueAnIdentifier() throws Exception {
    List<Token> t = lex("make-process a - b");
    assertThat(t).extracting(Token::text).containsExactly("make-process", "a", "-", "b", "");
  }

  @Test
  void reservedWordsAreNotIdentifiers() throws Exception {
    for (String w : Lexer.RESERVED) {
      assertThat(lex(w).getFirst().kind()).as(w).isEqualTo(Kind.RESERVED);
    }
    assertThat(lex("module-x").getFirst().kind()).isEqualTo(Kind.IDENT);
  }

  @Test
  void integersAreDecimalOctalOrHex() throws Exception {
    List<Token> t = lex("10 010 0x1F 0 0XfF");
    assertThat(t.subList(0, 5)).extracting(Token::value).containsExactly(10L, 8L, 31L, 0L, 255L);
  }

  @Test
  void sixtyFourUnsignedBitsFit() throws Exception {
    assertThat(lex("0xffffffffffffffff").getFirst().value()).isEqualTo(-1L);
    assertThat(lex("18446744073709551615").getFirst().value()).isEqualTo(-1L);
  }

  @Test
  void stringEscapesAreDecoded() throws Exception {
    Token s = lex("\"a\\n\\r\\t\\b\\s\\f\\\"\\\\\\{U+41}\\{U+1F600}\"").getFirst();
    assertThat(s.kind()).isEqualTo(Kind.STRING);
    assertThat(s.text()).isEqualTo("a\n\r\t\b \f\"\\A\uD83D\uDE00");
  }

  @Test
  void twoCharacterOperatorsAreOneToken() throws Exception {
    assertThat(lex("== != <= >= < > ! ="))
        .extracting(Token::text)
        .containsExactly("==", "!=", "<=", ">=", "<", ">", "!", "=", "");
  }

  @Test
  void nonAsciiIdentifiersAreAllowed() throws Exception {
    Token t = lex("größe").getFirst();
    assertThat(t.kind()).isEqualTo(Kind.IDENT);
    assertThat(t.text()).isEqualTo("größe");
  }
}
