package jackal.services.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Coyotos's TextConsole state machine, as handed on to a terminal. */
class AnsiSubsetTest {
  static String shown(String in) {
    AnsiSubset a = new AnsiSubset();
    AnsiSubset.Output out = new AnsiSubset.Output();
    for (byte b : in.getBytes(StandardCharsets.ISO_8859_1)) {
      a.accept(b, out);
    }
    return new String(out.toByteArray(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void printableAsciiPassesAndCarriageReturnEndsTheLine() {
    assertThat(shown("a b~\r\n\tc\bd")).isEqualTo("a b~\n\n\tc\bd");
  }

  @Test
  void otherControlBytesDelAndBytesAbove127AreDropped() {
    assertThat(shown("a\u0000\u0007\u007f\u0080\u00ffb")).isEqualTo("ab");
  }

  @Test
  void aMissingOrZeroParameterMeansOneExceptForEraseSequences() {
    assertThat(shown("\u001b[A\u001b[0C\u001b[3D")).isEqualTo("\u001b[1A\u001b[1C\u001b[3D");
    assertThat(shown("\u001b[J\u001b[1K")).isEqualTo("\u001b[0J\u001b[1K");
    assertThat(shown("\u001b[;5H\u001b[2;3f")).isEqualTo("\u001b[1;5H\u001b[2;3H");
  }

  @Test
  void parametersAreKeptModulo256AsCoyotosKeepsThemInAByte() {
    assertThat(shown("\u001b[257B")).isEqualTo("\u001b[1B");
  }

  @Test
  void aThirdParameterAbandonsTheSequenceAndItsNextByte() {
    assertThat(shown("\u001b[1;2;3Hx")).isEqualTo("Hx");
  }

  @Test
  void escapeWithoutBracketAndUnknownFinalsAreDropped() {
    assertThat(shown("\u001bxa\u001b[5qb")).isEqualTo("ab");
  }
}
