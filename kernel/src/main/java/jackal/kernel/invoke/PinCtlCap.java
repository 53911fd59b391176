package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * PinCtl: keeping objects resident. Coyotos reserves the type but gives it no interface and panics
 * when it is invoked; here it answers getType, and UnknownRequest to everything else. Every object
 * of this kernel is resident, so there is nothing to pin.
 */
final class PinCtlCap extends KernelCap {
  PinCtlCap() {
    super(Codes.IKT_PIN_CTL);
  }

  @Override
  boolean dispatch(Invocation inv) {
    return false;
  }
}
