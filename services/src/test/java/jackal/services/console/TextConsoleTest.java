package jackal.services.console;

import static jackal.services.stream.StreamSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.boot.TextConsoleServer;
import jackal.services.idl.coyotos.driver.TextConsoleClient;
import jackal.services.idl.coyotos.driver.TextConsoleCodes;
import jackal.services.stream.StreamSystem;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The TextConsole, loaded from pages and drawing on the terminal through the Console capability.
 */
class TextConsoleTest {
  static final int CONSOLE = CapReg.APP0;

  @FunctionalInterface
  interface Call {
    void run() throws KernelException;
  }

  static long code(Call call) {
    try {
      call.run();
      return 0;
    } catch (KernelException e) {
      return e.code();
    }
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  interface ConsoleScenario {
    void run(TextConsoleClient console, StreamSystem.Client c) throws Exception;
  }

  /** Boots a TextConsole and a client holding it in CONSOLE; returns what reached the terminal. */
  static String withConsole(ConsoleScenario scenario) throws Exception {
    try (StreamSystem s = new StreamSystem()) {
      TextConsoleServer console = TextConsoleServer.build(s.k, s.runtime);
      s.serve(console.process());
      ObjectRef c =
          s.client(
              "client",
              cl -> scenario.run(new TextConsoleClient(new Ipc(cl.sys)).stringArea(0, 4096), cl));
      s.k.setCapReg(c, CONSOLE, console.entry());
      s.boot();
      return s.console();
    }
  }

  @Test
  void coyotosTestTextConsoleReachesTheTerminal() throws Exception {
    String shown =
        withConsole(
            (console, c) -> {
              long t = reg(CONSOLE);
              console.putChar(t, 'Z');
              console.putChar(t, '\n');
              console.putChar(t, 'A');
              console.putChar(t, '\n');
              console.putCharSequence(
                  t, bytes("Never mind but furthermore the plea is self defense.\n"));
              console.putChar(t, 'B');
              console.putChar(t, '\n');
            });
    assertThat(shown)
        .contains("Z\nA\nNever mind but furthermore the plea is self defense.\nB\n")
        .doesNotContain("FAIL");
  }

  @Test
  void getTypeIsTextConsoleAndClearIsAnswered() throws Exception {
    withConsole(
        (console, c) -> {
          assertThat(console.getType(reg(CONSOLE))).isEqualTo(TextConsoleCodes.IKT);
          console.clear(reg(CONSOLE));
        });
  }

  @Test
  void theAnsiSubsetReachesTheTerminalNormalizedAndTheRestIsDropped() throws Exception {
    String shown =
        withConsole(
            (console, c) ->
                console.putCharSequence(
                    reg(CONSOLE),
                    bytes("<\u001b[H\u001b[2J\u001b[5A\u001b[qX\u001bxY\u0007\u00ffZ\r>")));
    assertThat(shown).contains("<\u001b[1;1H\u001b[2J\u001b[5AXYZ\n>");
  }

  @Test
  void aSequenceLongerThan4095IsRequestErrorAndTheConsoleKeepsServing() throws Exception {
    String shown =
        withConsole(
            (console, c) -> {
              Ipc ipc = c.ipc;
              ipc.w[1] = TextConsoleCodes.OC_putCharSequence & 0xFFFF_FFFFL;
              ipc.w[2] = 4095;
              ipc.w[3] = 4096; // one more than the sequence may hold
              ipc.w[4] = 0;
              ipc.string(0, 4096);
              assertThat(ipc.call(reg(CONSOLE), 4, 0, -1)).isFalse();
              assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
              ipc.w[1] = TextConsoleCodes.OC_putCharSequence & 0xFFFF_FFFFL;
              ipc.w[2] = 4095;
              ipc.w[3] = 3; // fewer than the string carries
              ipc.w[4] = 0;
              ipc.string(0, 10);
              assertThat(ipc.call(reg(CONSOLE), 4, 0, -1)).isFalse();
              assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
              console.putCharSequence(reg(CONSOLE), bytes("still here\n"));
            });
    assertThat(shown).contains("still here\n");
  }
}
