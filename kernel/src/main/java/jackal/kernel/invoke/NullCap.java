package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * Null, and every invalid capability, which behaves exactly as Null: getType answers
 * IKT_coyotos_Null, everything else UnknownRequest.
 */
final class NullCap extends KernelCap {
  NullCap() {
    super(Codes.IKT_NULL);
  }

  @Override
  boolean dispatch(Invocation inv) {
    return false;
  }
}
