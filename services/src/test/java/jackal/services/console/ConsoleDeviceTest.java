package jackal.services.console;

import static jackal.services.stream.StreamSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.boot.TextConsoleServer;
import jackal.services.idl.coyotos.DiscrimClient;
import jackal.services.idl.jackal.ConsoleDeviceClient;
import jackal.services.idl.jackal.ConsoleDeviceCodes;
import jackal.services.stream.StreamSystem;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Console capability: the terminal, which only an image can hand out. */
class ConsoleDeviceTest {
  static final int DEVICE = CapReg.APP0;
  static final int TEXT_CONSOLE = CapReg.APP0 + 1;

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

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

  @Test
  void theKernelAnswersWithTheCodesOfTheServicesCapIdl() {
    assertThat(jackal.kernel.api.ConsoleDeviceCodes.IKT).isEqualTo(ConsoleDeviceCodes.IKT);
    assertThat(jackal.kernel.api.ConsoleDeviceCodes.OC_WRITE)
        .isEqualTo(ConsoleDeviceCodes.OC_write);
    assertThat(jackal.kernel.api.ConsoleDeviceCodes.BUF_LIMIT)
        .isEqualTo(ConsoleDeviceCodes.bufLimit);
  }

  @Test
  void bytesWrittenReachTheTerminalUnchangedWithNothingAdded() throws Exception {
    try (StreamSystem s = new StreamSystem()) {
      ObjectRef c =
          s.client(
              "client",
              cl -> {
                ConsoleDeviceClient device =
                    new ConsoleDeviceClient(new Ipc(cl.sys)).stringArea(0, 4096);
                assertThat(device.getType(reg(DEVICE))).isEqualTo(ConsoleDeviceCodes.IKT);
                device.write(reg(DEVICE), ascii("<abc"));
                device.write(reg(DEVICE), ascii("def>"));
                device.write(reg(DEVICE), new byte[0]);
              });
      s.k.setCapReg(c, DEVICE, s.k.kernelCap(KernelService.CONSOLE));
      s.boot();
      assertThat(s.console()).contains("<abcdef>");
    }
  }

  @Test
  void aLengthOverTheLimitOrUnlikeTheStringIsRequestError() throws Exception {
    try (StreamSystem s = new StreamSystem()) {
      ObjectRef c =
          s.client(
              "client",
              cl -> {
                Ipc ipc = cl.ipc;
                cl.sys.write(0, ascii("LEAKED"), 0, 6);
                ipc.w[1] = ConsoleDeviceCodes.OC_write & 0xFFFF_FFFFL;
                ipc.w[2] = 4096;
                ipc.w[3] = 4097;
                ipc.w[4] = 0;
                ipc.string(0, 4096);
                assertThat(ipc.call(reg(DEVICE), 4, 0, -1)).isFalse();
                assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
                ipc.w[1] = ConsoleDeviceCodes.OC_write & 0xFFFF_FFFFL;
                ipc.w[2] = 4096;
                ipc.w[3] = 6;
                ipc.w[4] = 0;
                ipc.string(0, 2); // the header claims more than was sent
                assertThat(ipc.call(reg(DEVICE), 4, 0, -1)).isFalse();
                assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
              });
      s.k.setCapReg(c, DEVICE, s.k.kernelCap(KernelService.CONSOLE));
      s.boot();
      assertThat(s.console()).doesNotContain("LE");
    }
  }

  @Test
  void discrimSaysTheConsoleIsNotDiscreetSoItCannotPassForConfined() throws Exception {
    AtomicReference<Boolean> discreet = new AtomicReference<>();
    AtomicReference<Long> kind = new AtomicReference<>();
    try (StreamSystem s = new StreamSystem()) {
      ObjectRef c =
          s.client(
              "client",
              cl -> {
                DiscrimClient discrim = new DiscrimClient(new Ipc(cl.sys));
                discreet.set(discrim.isDiscreet(reg(TEXT_CONSOLE), reg(DEVICE)));
                kind.set((long) discrim.classify(reg(TEXT_CONSOLE), reg(DEVICE)));
              });
      s.k.setCapReg(c, DEVICE, s.k.kernelCap(KernelService.CONSOLE));
      s.k.setCapReg(c, TEXT_CONSOLE, s.k.kernelCap(KernelService.DISCRIM));
      s.boot();
    }
    assertThat(discreet.get()).isFalse();
    assertThat(kind.get()).isEqualTo((long) Codes.CL_OTHER);
  }

  @Test
  void aProcessWithoutTheConsoleCannotWriteToTheTerminal() throws Exception {
    try (StreamSystem s = new StreamSystem()) {
      TextConsoleServer console = TextConsoleServer.build(s.k, s.runtime);
      s.serve(console.process());
      List<Long> answers = new ArrayList<>();
      ObjectRef c =
          s.client(
              "attacker",
              cl -> {
                // Everything an ordinary client holds (its bank, KernLog, Sleep, the TextConsole,
                // its own process and endpoints), each tried as the terminal.
                ConsoleDeviceClient device =
                    new ConsoleDeviceClient(new Ipc(cl.sys)).stringArea(0, 4096);
                for (int r = 0; r < 32; r++) {
                  int reg = r;
                  if (reg == CapReg.SELF) {
                    continue; // writing through SELF would only call the process itself
                  }
                  answers.add(code(() -> device.write(reg(reg), ascii("SECRET"))));
                }
              });
      s.k.setCapReg(c, TEXT_CONSOLE, console.entry());
      s.boot();
      assertThat(answers).hasSize(31).doesNotContain(0L);
      assertThat(s.console()).doesNotContain("SECRET");
    }
  }
}
