package jackal.services.console;

import java.util.Arrays;

/**
 * What Coyotos's TextConsole makes of the bytes it is sent, turned into what a terminal is to be
 * sent: the same subset of ANSI, read by the same state machine, but handed on to a terminal that
 * draws it, instead of being drawn into an 80-by-20 VGA buffer.
 *
 * <ul>
 *   <li>Printable ASCII (space to '~') passes. Line feed and carriage return both end the line (as
 *       Coyotos's driver treats them) and become a line feed; tab and backspace pass; every other
 *       control byte, DEL and every byte above 127 are dropped.
 *   <li>ESC '[' starts a control sequence of at most two numeric parameters (each kept modulo 256,
 *       as Coyotos keeps them in a byte) separated by ';'. A third parameter abandons the sequence
 *       and the byte that would have started it is dropped. ESC followed by anything but '[' is
 *       dropped with that byte.
 *   <li>The final byte of a sequence is one of Coyotos's: {@code @ A B C D f H I J K L M X P S T
 *       Z}. Except for J and K, a parameter of 0 (or none) means 1, as there. A known final is
 *       passed on as a normalized sequence ({@code ESC [ n final}, or {@code ESC [ row ; col H} for
 *       H and f); an unknown one ends the sequence and is dropped, as Coyotos ignores it.
 * </ul>
 *
 * The terminal's own size and scrolling take the place of the 20-by-80 screen's (see
 * DEVIATIONS.md).
 */
final class AnsiSubset {
  private static final int ESC = 0x1B;

  /** The states of Coyotos's driver: plain text, after ESC, reading a sequence's parameters. */
  private static final int TEXT = 0;

  private static final int GOT_ESC = 1;
  private static final int PARAMS = 2;

  /**
   * Bytes to show, gathered for one write to the terminal (java.io's byte streams are not open to
   * programs).
   */
  static final class Output {
    private byte[] bytes = new byte[256];
    private int size;

    void write(int b) {
      if (size == bytes.length) {
        bytes = Arrays.copyOf(bytes, size * 2);
      }
      bytes[size++] = (byte) b;
    }

    int size() {
      return size;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, size);
    }

    void reset() {
      size = 0;
    }
  }

  private int state = TEXT;
  private final int[] params = new int[2];
  private int paramCount;

  /**
   * Reads {@code c} (one byte of what the console was sent) and appends what it shows to {@code
   * out}.
   */
  void accept(int c, Output out) {
    int ch = c & 0xFF;
    switch (state) {
      case TEXT -> {
        if (ch == ESC) {
          state = GOT_ESC;
        } else {
          text(ch, out);
        }
      }
      case GOT_ESC -> {
        if (ch == '[') {
          state = PARAMS;
          params[0] = 0;
          params[1] = 0;
          paramCount = 0;
        } else {
          state = TEXT;
        }
      }
      default -> { // PARAMS
        if (paramCount < 2 && ch >= '0' && ch <= '9') {
          params[paramCount] = (params[paramCount] * 10 + (ch - '0')) & 0xFF;
        } else if (paramCount < 2 && ch == ';') {
          paramCount++;
        } else if (paramCount == 2) {
          state = TEXT;
        } else {
          control(ch, out);
          state = TEXT;
        }
      }
    }
  }

  private static void text(int ch, Output out) {
    if (ch >= 0x20 && ch < 0x7F) {
      out.write(ch);
    } else if (ch == '\n' || ch == '\r') {
      out.write('\n');
    } else if (ch == '\t' || ch == '\b') {
      out.write(ch);
    }
  }

  private void control(int fin, Output out) {
    int p0 = params[0];
    int p1 = params[1];
    switch (fin) {
      case 'J', 'K' -> sequence(out, Integer.toString(p0), fin);
      case 'f', 'H' -> sequence(out, atLeastOne(p0) + ";" + atLeastOne(p1), 'H');
      case '@', 'A', 'B', 'C', 'D', 'I', 'L', 'M', 'X', 'P', 'S', 'T', 'Z' ->
          sequence(out, Integer.toString(atLeastOne(p0)), fin);
      default -> {
        // Coyotos's driver ignores a final it does not know.
      }
    }
  }

  private static int atLeastOne(int p) {
    return p == 0 ? 1 : p;
  }

  private static void sequence(Output out, String params, int fin) {
    out.write(ESC);
    out.write('[');
    for (int i = 0; i < params.length(); i++) {
      out.write(params.charAt(i));
    }
    out.write(fin);
  }
}
