package jackal.kernel.invoke;

import jackal.kernel.api.Codes;

/** The Page interface: AddressSpace with no capability slots. */
final class PageCap extends AddressSpaceCap {
  PageCap() {
    super(Codes.IKT_PAGE);
  }
}
