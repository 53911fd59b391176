package jackal.image;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.syntax.Ast;
import jackal.image.syntax.Ast.Binary;
import jackal.image.syntax.Ast.Call;
import jackal.image.syntax.Ast.Def;
import jackal.image.syntax.Ast.Expr;
import jackal.image.syntax.Ast.Field;
import jackal.image.syntax.Ast.Ident;
import jackal.image.syntax.Ast.Index;
import jackal.image.syntax.Ast.IntLit;
import jackal.image.syntax.Ast.New;
import jackal.image.syntax.Ast.Unary;
import jackal.image.syntax.Parser;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ParserTest {
  /** The expression of {@code def x = TEXT;}, written as a parenthesised tree. */
  private static String tree(String text) throws ImageException {
    Ast.Module m = Parser.parse("p.mki", "module p { def x = " + text + "; }");
    return show(((Def) m.body().getFirst()).value());
  }

  private static String show(Expr e) {
    return switch (e) {
      case IntLit i -> Long.toString(i.value());
      case Ident i -> i.name();
      case Unary u -> "(" + u.op() + show(u.operand()) + ")";
      case Binary b -> "(" + show(b.left()) + " " + b.op() + " " + show(b.right()) + ")";
      case Field f -> show(f.target()) + "." + f.name();
      case Index i -> show(i.target()) + "[" + show(i.index()) + "]";
      case Call c ->
          show(c.callee())
              + c.args().stream().map(ParserTest::show).collect(Collectors.joining(",", "(", ")"));
      case New n -> "new " + n.kind() + "(" + show(n.bank()) + ")";
      default -> e.getClass().getSimpleName();
    };
  }

  @Test
  void multiplicationBindsTighterThanAddition() throws Exception {
    assertThat(tree("1 + 2 * 3 - 4 % 5")).isEqualTo("((1 + (2 * 3)) - (4 % 5))");
  }

  @Test
  void comparisonBindsLooserThanArithmeticAndTighterThanEquality() throws Exception {
    assertThat(tree("a + 1 < b == c >= d")).isEqualTo("(((a + 1) < b) == (c >= d))");
  }

  @Test
  void binaryOperatorsAssociateLeft() throws Exception {
    assertThat(tree("a - b - c")).isEqualTo("((a - b) - c)");
    assertThat(tree("a / b / c")).isEqualTo("((a / b) / c)");
  }

  @Test
  void unaryOperatorsBindTighterThanBinaryAndLooserThanPostfix() throws Exception {
    assertThat(tree("-a * !b.c")).isEqualTo("((-a) * (!b.c))");
  }

  @Test
  void fieldsSlotsAndCallsChainLeftToRight() throws Exception {
    assertThat(tree("p.capReg[5].x(1, g.cap[15])")).isEqualTo("p.capReg[5].x(1,g.cap[15])");
  }

  @Test
  void parenthesesOverridePrecedence() throws Exception {
    assertThat(tree("(1 + 2) * 3")).isEqualTo("((1 + 2) * 3)");
  }

  @Test
  void newTakesAKindAndABank() throws Exception {
    assertThat(tree("new Process(bank)")).isEqualTo("new Process(bank)");
  }

  @Test
  void everyStatementFormParses() throws Exception {
    Ast.Module m =
        Parser.parse(
            "p.mki",
            """
            module a.b-c {
              import x = y.z;
              export def one = 1;
              export def f(p, q) { return p + q; };
              def g() { 0; }
              export enum E { A = 1, B, C = B * 2, };
              capreg { R0, R1 }
              export capreg REG { SELF = 3 }
              export one, f;
              if (one) { print 1; } else if (0) { print 2; } else { print *3; }
              while (0) { one = one; }
              do { ep.recipient = p; } while (0);
              p.capReg[5] = g.cap[15];
              def blk = { def i = 1; i + 3; };
            }
            """);
    assertThat(m.name()).isEqualTo("a.b-c");
    assertThat(m.body()).hasSize(13);
  }
}
