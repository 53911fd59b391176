package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * SysCtl: halt, powerdown and reboot stop the whole system, and none of them returns: the invoker
 * gets no reply and never runs again, every CPU stops once the process it runs yields, and the boot
 * side learns from {@link Shutdown} which of the three it was. A simulated machine has no power to
 * switch off, so powerdown is a halt that says so; what reboot means is the boot side's choice (the
 * command line boots the image again).
 */
final class SysCtlCap extends KernelCap {
  SysCtlCap() {
    super(Codes.IKT_SYS_CTL);
  }

  @Override
  boolean dispatch(Invocation inv) {
    int op = inv.opcode;
    int kind;
    if (op == Codes.OC_SYS_CTL_HALT) {
      kind = Shutdown.HALT;
    } else if (op == Codes.OC_SYS_CTL_POWERDOWN) {
      kind = Shutdown.POWERDOWN;
    } else if (op == Codes.OC_SYS_CTL_REBOOT) {
      kind = Shutdown.REBOOT;
    } else {
      return false;
    }
    if (inv.requireArgs(0)) {
      inv.txn.commit();
      inv.suppressReply();
      inv.machine.shutdown.request(kind);
      inv.machine.scheduler.halt();
      inv.slept = true; // parked for good: nothing will wake it
    }
    return true;
  }
}
