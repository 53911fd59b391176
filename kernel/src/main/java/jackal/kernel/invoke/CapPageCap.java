package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/** The CapPage interface: AddressSpace over 256 capability slots. */
final class CapPageCap extends AddressSpaceCap {
  CapPageCap() {
    super(Codes.IKT_CAP_PAGE);
  }
}
