package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * Schedule: the right to run, held in every process's schedule slot. Coyotos declares no method for
 * it yet (no scheduling model is specified), so it answers getType and nothing else.
 */
final class ScheduleCap extends KernelCap {
  ScheduleCap() {
    super(Codes.IKT_SCHEDULE);
  }

  @Override
  boolean dispatch(Invocation inv) {
    return false;
  }
}
