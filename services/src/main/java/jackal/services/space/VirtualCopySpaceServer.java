package jackal.services.space;

import jackal.kernel.api.FaultCode;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.CapUnknownRequestException;
import jackal.services.idl.coyotos.VirtualCopySpaceSkeleton;

/**
 * Copy-on-write over any space: every invalid-data, invalid-capability or access-violation fault,
 * anywhere, is repaired (a copy of what the background holds there, or a zero page). With a Null
 * background this is {@code zeroVCS}, an all-zero space filled in as it is touched.
 */
final class VirtualCopySpaceServer extends SpaceServer
    implements jackal.services.idl.coyotos.VirtualCopySpaceServer {
  VirtualCopySpaceServer(SystemCalls sys) {
    super(sys);
  }

  @Override
  boolean handles(int fc, long addr) {
    return fc == FaultCode.INVALID_DATA_REFERENCE
        || fc == FaultCode.INVALID_CAP_REFERENCE
        || fc == FaultCode.ACCESS_VIOLATION;
  }

  @Override
  ServerLoop.Handler spaceFacet() {
    return new VirtualCopySpaceSkeleton(this);
  }

  @Override
  public long getSpace() {
    return opaqueRoot();
  }

  /** Not built, as in Coyotos: a constructor of the frozen space needs the Constructor service. */
  @Override
  public long freeze() throws KernelException {
    throw new CapUnknownRequestException();
  }
}
