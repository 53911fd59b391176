package jackal.image.coyotos;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.driver.TextConsoleClient;

/**
 * Coyotos's testTextConsole: writes Z, A, a sentence and B through the TextConsole in APP0; a
 * refused call logs FAIL through the KernLog in APP0+1.
 */
public final class TextConsoleUser implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    TextConsoleClient console = new TextConsoleClient(new Ipc(sys)).stringArea(0, 1024);
    long t = CapLoc.reg(CapReg.APP0);
    try {
      console.putChar(t, 'Z');
      console.putChar(t, '\n');
      console.putChar(t, 'A');
      console.putChar(t, '\n');
      console.putCharSequence(t, "The quick brown fox jumps over the lazy dog.\n".getBytes(UTF_8));
      console.putChar(t, 'B');
      console.putChar(t, '\n');
    } catch (KernelException e) {
      new Log(sys, CapReg.APP0 + 1).line("FAIL: 0x" + Long.toHexString(e.code()));
    }
  }
}
