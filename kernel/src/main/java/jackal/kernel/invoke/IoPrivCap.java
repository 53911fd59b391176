package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/**
 * IOPriv (mkimage's IoPerm): access to I/O ports. Coyotos reserves the type but gives it no
 * interface and panics when it is invoked; here it answers getType, and UnknownRequest to
 * everything else. A Java program has no I/O ports to reach.
 */
final class IoPrivCap extends KernelCap {
  IoPrivCap() {
    super(Codes.IKT_IO_PRIV);
  }

  @Override
  boolean dispatch(Invocation inv) {
    return false;
  }
}
