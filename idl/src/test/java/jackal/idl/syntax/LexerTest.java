package jackal.idl.syntax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.idl.IdlException;
import jackal.idl.SourceFile;
import jackal.idl.SourcePos;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {
  private static List<Token> lex(String s) throws IdlException {
    return Lexer.tokenize(new SourceFile("L.idl", s));
  }

  @Test
  void kindsTextAndPositions() throws IdlException {
    List<Token> t = lex("interface Foo {\n\tlong x;\n};");
    assertThat(t)
        .extracting(Token::text)
        .containsExactly("interface", "Foo", "{", "long", "x", ";", "}", ";", "");
    assertThat(t)
        .extracting(Token::kind)
        .containsExactly(
            Token.Kind.KEYWORD,
            Token.Kind.IDENT,
            Token.Kind.PUNCT,
            Token.Kind.KEYWORD,
            Token.Kind.IDENT,
            Token.Kind.PUNCT,
            Token.Kind.PUNCT,
            Token.Kind.PUNCT,
            Token.Kind.EOF);
    assertThat(t.get(1).pos()).isEqualTo(new SourcePos("L.idl", 1, 11));
    // a tab counts as one column
    assertThat(t.get(3).pos()).isEqualTo(new SourcePos("L.idl", 2, 2));
    assertThat(t.get(8).pos()).isEqualTo(new SourcePos("L.idl", 3, 3));
  }

  @Test
  void numbers() throws IdlException {
    List<Token> t = lex("0 42 0x1F 0XfF 017 0xff00000000000000ull 10u 'A' '\\n'");
    assertThat(t.subList(0, 9))
        .extracting(Token::value)
        .containsExactly(
            BigInteger.ZERO,
            BigInteger.valueOf(42),
            BigInteger.valueOf(31),
            BigInteger.valueOf(255),
            BigInteger.valueOf(15),
            new BigInteger("ff00000000000000", 16),
            BigInteger.TEN,
            BigInteger.valueOf(65),
            BigInteger.valueOf(10));
  }

  @Test
  void twoCharacterOperators() throws IdlException {
    assertThat(lex("a<<b>>c"))
        .extracting(Token::text)
        .containsExactly("a", "<<", "b", ">>", "c", "");
  }

  @Test
  void docCommentsRideOnTheNextToken() throws IdlException {
    List<Token> t =
        lex(
            "/// first line\n/// second line\nexception A;\n"
                + "/** Block\n *  doc. */\nexception B;\n"
                + "// plain\n/* plain */\n/**/ //// plain too\nexception C;");
    assertThat(t.get(0).doc()).isEqualTo("first line\nsecond line");
    assertThat(t.get(0).pos().line()).isEqualTo(3);
    assertThat(t.get(3).doc()).isEqualTo("Block\n doc.");
    assertThat(t.get(6).text()).isEqualTo("exception");
    assertThat(t.get(6).doc()).isNull();
    assertThat(t.get(1).doc()).isNull();
  }

  @Test
  void docBeforeEndOfFileIsKeptOnEof() throws IdlException {
    List<Token> t = lex("/// dangling");
    assertThat(t).hasSize(1);
    assertThat(t.getFirst().doc()).isEqualTo("dangling");
  }

  @Test
  void unterminatedCommentPointsAtItsStart() {
    assertThatThrownBy(() -> lex("a\n  b /* no end\n\n"))
        .isInstanceOfSatisfying(
            IdlException.class,
            e -> {
              assertThat(e.line()).isEqualTo(2);
              assertThat(e.column()).isEqualTo(5);
              assertThat(e.getMessage()).isEqualTo("L.idl:2:5: unterminated comment");
            });
  }

  @Test
  void badInput() {
    assertThatThrownBy(() -> lex("0x;"))
        .hasMessage("L.idl:1:1: malformed number: '0x' needs hexadecimal digits");
    assertThatThrownBy(() -> lex("  09"))
        .hasMessage("L.idl:1:3: malformed number: octal literal 09 has digits 8 or 9");
    assertThatThrownBy(() -> lex("x @")).hasMessage("L.idl:1:3: unexpected character '@'");
    assertThatThrownBy(() -> lex("\"s\""))
        .hasMessage("L.idl:1:1: string literals are not part of CapIDL expressions");
    assertThatThrownBy(() -> lex("''")).hasMessage("L.idl:1:1: malformed character literal");
    assertThatThrownBy(() -> lex("caf\u00e9"))
        .hasMessage("L.idl:1:1: identifiers must be ASCII: 'caf\u00e9'");
  }
}
