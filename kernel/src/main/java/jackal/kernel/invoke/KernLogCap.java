package jackal.kernel.invoke;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.trace.KernelEvents;
import java.nio.charset.StandardCharsets;

/**
 * KernLog.log(sequence&lt;char, 256&gt;): the data words carry the sequence's max, len and address;
 * the bytes come as the string. More than 255 bytes is a RequestError, an unreadable string
 * NoAccess. A newline is added if the text lacks one; an empty text prints nothing.
 */
final class KernLogCap extends KernelCap {
  private static final int MAX = 256;

  KernLogCap() {
    super(Codes.IKT_KERN_LOG);
  }

  @Override
  boolean dispatch(Invocation inv) {
    if (inv.opcode != Codes.OC_KERN_LOG_LOG) {
      return false;
    }
    inv.nextArg(); // max
    long len = inv.nextArg() & 0xFFFF_FFFFL;
    inv.nextArg(); // address (the string itself is what counts)
    if (!inv.requireArgs(0, (int) Math.min(len, MAX + 1), MAX)) {
      return true;
    }
    if (len > MAX - 1) {
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
    byte[] text = new byte[n];
    SpaceAccess.read(inv, space, ptr, text, 0, n);
    inv.txn.commit();
    if (n > 0) { // an empty message prints nothing, not an empty line
      inv.machine.log.line(new String(text, StandardCharsets.UTF_8));
      if (KernelEvents.COMPILED && KernelEvents.on()) {
        KernelEvents.log(inv.invoker, new String(text, StandardCharsets.UTF_8));
      }
    }
    return true;
  }
}
