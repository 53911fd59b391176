package jackal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import jackal.image.syntax.Parser;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated valid scripts never make the parser throw anything but a positioned {@link
 * ImageException}. The seed is printed; rerun one with {@code -Dimage.fuzz.seed=N}.
 */
class ParserFuzzTest {
  private static final List<String> VALID =
      List.of(
          """
          module a.b-c {
            import x = y.z;
            export def one = 1;
            export def f(p, q) { return p + q * -3 % 0x1f; };
            export enum E { A = 1, B, C = B * 2, };
            capreg REG { SELF = 3 }
            export one, f;
            if (one <= 2) { print "s\\n\\{U+41}"; } else if (!0) { print 2; } else { print *3; }
            while (one != 0) { one = one - 1; }
            do { ep.recipient = p; } while (0);
            p.capReg[REG.SELF] = g.cap[015]; // comment
            /* block comment */
            def blk = { def i = new Process(PrimeBank); i.faultCode + 3; };
          }
          """,
          """
          module t {
            def fact(n) { if (n <= 1) { 1; } else { n * fact(n - 1); } }
            def adder(n) { def add(x) { x + n; }; add; }
            print adder(3)(fact(5)) == 123;
          }
          """);

  private static final List<String> PIECES =
      List.of(
          "{",
          "}",
          "(",
          ")",
          "[",
          "]",
          ";",
          ",",
          ".",
          "=",
          "==",
          "!",
          "-",
          "*",
          "/",
          "\"",
          "\\",
          "/*",
          "//",
          "\n",
          "\r",
          "0x",
          "09",
          "0",
          "def",
          "module",
          "return",
          "enum",
          "capreg",
          "if",
          "else",
          "while",
          "do",
          "new",
          "export",
          "import",
          "print",
          "lambda",
          "__",
          "x",
          "#",
          "\u0000",
          "\uD83D\uDE00",
          "\t",
          "\\{U+",
          "18446744073709551616");

  @Test
  void mutatedScriptsFailOnlyWithPositionedErrors() {
    long seed = Long.getLong("image.fuzz.seed", System.nanoTime());
    System.out.println("ParserFuzzTest seed " + seed);
    Random rnd = new Random(seed);
    int rejected = 0;
    for (int round = 0; round < 2000; round++) {
      String text = mutate(VALID.get(rnd.nextInt(VALID.size())), rnd);
      try {
        Parser.parse("f.mki", text);
      } catch (ImageException e) {
        rejected++;
        assertThat(e.getMessage()).matches("(?s)f\\.mki:\\d+:\\d+: .+");
        assertThat(e.line()).isBetween(1, (int) text.lines().count() + 2);
        assertThat(e.column()).isPositive();
      } catch (RuntimeException | StackOverflowError e) {
        fail("seed " + seed + ", round " + round + ": " + e + " for:\n" + text, e);
      }
    }
    assertThat(rejected).as("most mutations break the script").isGreaterThan(500);
  }

  private static String mutate(String text, Random rnd) {
    StringBuilder sb = new StringBuilder(text);
    int edits = 1 + rnd.nextInt(4);
    for (int i = 0; i < edits; i++) {
      int at = rnd.nextInt(sb.length() + 1);
      switch (rnd.nextInt(4)) {
        case 0 -> sb.delete(at, Math.min(sb.length(), at + 1 + rnd.nextInt(6)));
        case 1 -> sb.insert(at, PIECES.get(rnd.nextInt(PIECES.size())));
        case 2 -> {
          int from = rnd.nextInt(sb.length() + 1);
          int to = Math.min(sb.length(), from + rnd.nextInt(20));
          sb.insert(at, sb.substring(from, to));
        }
        default -> sb.insert(at, "(".repeat(rnd.nextInt(300)));
      }
    }
    return sb.toString();
  }
}
