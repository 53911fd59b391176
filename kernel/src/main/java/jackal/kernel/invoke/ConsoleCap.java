package jackal.kernel.invoke;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ConsoleDeviceCodes;
import jackal.kernel.api.ParameterBlock;
import java.nio.charset.StandardCharsets;

/**
 * Console ({@code jackal.ConsoleDevice.write(sequence<byte, 4096>)}): the bytes go unchanged, in
 * order, to the terminal (the kernel's console stream), as UTF-8 text. Like KernLog, the data words
 * carry the sequence's max, len and address and the bytes come as the string; more than 4096 bytes
 * is a RequestError, a string the kernel cannot read NoAccess. Unlike KernLog, nothing is added: no
 * newline, no prefix, and the bytes are not taken as lines.
 *
 * <p>This is the whole of the authority a TextConsole server needs in place of Coyotos's physical
 * display page. A process holds it only if an image put it in one of its registers (the boot API's
 * {@code kernelCap(CONSOLE)}); no capability can be turned into it.
 */
final class ConsoleCap extends KernelCap {
  static final int MAX = ConsoleDeviceCodes.BUF_LIMIT;

  ConsoleCap() {
    super(ConsoleDeviceCodes.IKT);
  }

  @Override
  boolean dispatch(Invocation inv) {
    if (inv.opcode != ConsoleDeviceCodes.OC_WRITE) {
      return false;
    }
    inv.nextArg(); // max
    long len = inv.nextArg() & 0xFFFF_FFFFL;
    inv.nextArg(); // address (the string itself is what counts)
    int sent = (int) Math.min(len, MAX + 1);
    if (!inv.requireArgs(0, sent, sent)) { // the string is exactly the sequence
      return true;
    }
    if (len > MAX) {
      inv.txn.commit();
      inv.error(Codes.RC_REQUEST_ERROR);
      return true;
    }
    int n = (int) len;
    long ptr = inv.in[ParameterBlock.SNDPTR];
    var space = inv.invoker.addrSpace;
    if (SpaceAccess.accessible(inv, space, ptr, n, false, inv.failure) < n) {
      inv.txn.commit();
      inv.error(Codes.RC_NO_ACCESS);
      return true;
    }
    byte[] bytes = new byte[n];
    SpaceAccess.read(inv, space, ptr, bytes, 0, n);
    inv.txn.commit();
    if (n > 0) {
      // Terminals take UTF-8; the console stream encodes the text back the same way.
      inv.machine.terminal.text(new String(bytes, StandardCharsets.UTF_8));
    }
    return true;
  }
}
