package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * SchedCtl: control of the schedule table. A placeholder in Coyotos (no methods); answers getType,
 * and UnknownRequest to everything else where the 2007 kernel stopped with a bug() panic.
 */
final class SchedCtlCap extends KernelCap {
  SchedCtlCap() {
    super(Codes.IKT_SCHED_CTL);
  }

  @Override
  boolean dispatch(Invocation inv) {
    return false;
  }
}
