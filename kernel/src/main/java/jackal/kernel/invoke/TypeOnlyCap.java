package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;

/**
 * Memory and notice capabilities before their interfaces exist here: they answer getType with
 * their interface type and every other method with UnknownRequest. Their methods arrive with the
 * address-space issue.
 */
final class TypeOnlyCap extends KernelCap {
  TypeOnlyCap(int capType) {
    super(
        switch (capType) {
          case CapType.PAGE -> Codes.IKT_PAGE;
          case CapType.CAP_PAGE -> Codes.IKT_CAP_PAGE;
          case CapType.GPT -> Codes.IKT_GPT;
          case CapType.APP_NOTICE -> Codes.IKT_APP_NOTICE;
          default -> throw new IllegalArgumentException(CapType.name(capType));
        });
  }

  @Override
  boolean dispatch(Invocation inv) {
    return false;
  }
}
