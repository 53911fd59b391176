package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * ObStore: the object store's control interface. A placeholder in Coyotos (no methods, and its
 * protocol is unspecified); answers getType, and UnknownRequest where the 2007 kernel panicked.
 */
final class ObStoreCap extends KernelCap {
  ObStoreCap() {
    super(Codes.IKT_OB_STORE);
  }

  @Override
  boolean dispatch(Invocation inv) {
    return false;
  }
}
