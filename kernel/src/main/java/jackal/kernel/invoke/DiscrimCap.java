package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;

/** Discrim: classify, isDiscreet and compare, each seeing invalid capabilities as Null. */
final class DiscrimCap extends KernelCap {
  DiscrimCap() {
    super(Codes.IKT_DISCRIM);
  }

  @Override
  boolean dispatch(Invocation inv) {
    int op = inv.opcode;
    if (op == Codes.OC_DISCRIM_CLASSIFY) {
      if (inv.requireArgs(1)) {
        Capability c = inv.capArg(1);
        inv.txn.commit();
        inv.result(classify(c));
      }
    } else if (op == Codes.OC_DISCRIM_IS_DISCREET) {
      if (inv.requireArgs(1)) {
        Capability c = inv.capArg(1);
        inv.txn.commit();
        inv.result(isDiscreet(c) ? 1 : 0);
      }
    } else if (op == Codes.OC_DISCRIM_COMPARE) {
      if (inv.requireArgs(2)) {
        Capability a = inv.capArg(1);
        Capability b = inv.capArg(2);
        inv.txn.commit();
        inv.result(a.equals(b) ? 1 : 0);
      }
    } else {
      return false;
    }
    return true;
  }

  static int classify(Capability c) {
    return switch (c.type) {
      case CapType.NULL -> Codes.CL_NULL;
      case CapType.WINDOW, CapType.LOCAL_WINDOW -> Codes.CL_WINDOW;
      case CapType.PAGE, CapType.CAP_PAGE, CapType.GPT -> Codes.CL_MEMORY;
      case CapType.SCHEDULE -> Codes.CL_SCHED;
      case CapType.ENDPOINT -> Codes.CL_ENDPOINT;
      case CapType.ENTRY -> Codes.CL_ENTRY;
      case CapType.PROCESS -> Codes.CL_PROCESS;
      case CapType.APP_NOTICE -> Codes.CL_APP_NOTICE;
      default -> Codes.CL_OTHER;
    };
  }

  /** Discreet capabilities convey no authority to communicate. */
  static boolean isDiscreet(Capability c) {
    return switch (c.type) {
      case CapType.NULL, CapType.WINDOW, CapType.LOCAL_WINDOW, CapType.CAP_BITS, CapType.DISCRIM ->
          true;
      case CapType.PAGE, CapType.CAP_PAGE, CapType.GPT -> (c.restr & Restr.WEAK) != 0;
      default -> false;
    };
  }
}
