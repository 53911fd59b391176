package jackal.services.console;

import jackal.kernel.api.Codes;
import jackal.runtime.CapReg;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.driver.TextConsoleCodes;
import jackal.services.idl.coyotos.driver.TextConsoleServer;
import jackal.services.idl.jackal.ConsoleDeviceClient;
import jackal.services.idl.jackal.ConsoleDeviceCodes;

/**
 * Coyotos's TextConsole, drawing on Jackal's terminal: each request's characters go through {@link
 * AnsiSubset} and what they show is written to the Console capability in {@link
 * TextConsoleProgram#CONSOLE}, in order, before the request is answered. {@code clear} does
 * nothing, as in Coyotos. {@code destroy} asks the console's bank to destroy itself and answer the
 * caller.
 */
final class TextConsoleDriver implements TextConsoleServer {
  private final AnsiSubset ansi = new AnsiSubset();
  private final AnsiSubset.Output shown = new AnsiSubset.Output();
  private final ConsoleDeviceClient device;
  private final SpaceBankClient bank;

  TextConsoleDriver(ConsoleDeviceClient device, SpaceBankClient bank) {
    this.device = device;
    this.bank = bank;
  }

  @Override
  public void clear() {
    // Coyotos's driver answers clear without touching the screen.
  }

  @Override
  public void putChar(int c) throws KernelException {
    ansi.accept(c, shown);
    flush();
  }

  @Override
  public void putCharSequence(byte[] s) throws KernelException {
    for (byte b : s) {
      ansi.accept(b, shown);
      if (shown.size() >= ConsoleDeviceCodes.bufLimit - 16) { // room for one more sequence
        flush();
      }
    }
    flush();
  }

  private void flush() throws KernelException {
    if (shown.size() > 0) {
      byte[] b = shown.toByteArray();
      shown.reset();
      device.write(CapReg.loc(TextConsoleProgram.CONSOLE), b);
    }
  }

  @Override
  public long getType() {
    return TextConsoleCodes.IKT;
  }

  @Override
  public void destroy() throws KernelException {
    bank.destroyBankAndReturn(CapReg.loc(CapReg.SPACEBANK), CapReg.loc(CapReg.RETURN), Codes.RC_OK);
  }
}
