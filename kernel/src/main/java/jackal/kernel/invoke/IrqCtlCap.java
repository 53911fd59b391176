package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * IrqCtl: interrupt lines. This machine has no devices, so it has no interrupt lines: every line
 * number is out of range, and each method answers RequestError as Coyotos does for a line at or
 * above its count of lines. In particular getIrqWait never makes an IrqWait capability.
 */
final class IrqCtlCap extends KernelCap {
  /** How many interrupt lines there are. */
  static final long LINES = 0;

  IrqCtlCap() {
    super(Codes.IKT_IRQ_CTL);
  }

  @Override
  boolean dispatch(Invocation inv) {
    int op = inv.opcode;
    if (op != Codes.OC_IRQ_CTL_GET_IRQ_WAIT
        && op != Codes.OC_IRQ_CTL_BIND_IRQ
        && op != Codes.OC_IRQ_CTL_DISABLE
        && op != Codes.OC_IRQ_CTL_ENABLE
        && op != Codes.OC_IRQ_CTL_WAIT) {
      return false;
    }
    long irq = inv.nextArg() & 0xFFFF_FFFFL;
    if (inv.requireArgs(0)) {
      inv.txn.commit();
      if (irq >= LINES) {
        inv.error(Codes.RC_REQUEST_ERROR);
      }
    }
    return true;
  }
}
