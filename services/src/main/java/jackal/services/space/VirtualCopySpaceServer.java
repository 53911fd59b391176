package jackal.services.space;

import static jackal.kernel.api.CapLoc.reg;
import static jackal.kernel.api.ParameterBlock.SNDCAP;

import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Restr;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.AddressSpaceClient;
import jackal.services.idl.coyotos.BuilderClient;
import jackal.services.idl.coyotos.CapUnknownRequestException;
import jackal.services.idl.coyotos.VirtualCopySpaceSkeleton;

/**
 * Copy-on-write over any space: every invalid-data, invalid-capability or access-violation fault,
 * anywhere, is repaired (a copy of what the background holds there, or a zero page). With a Null
 * background this is {@code zeroVCS}, an all-zero space filled in as it is touched.
 *
 * <p>{@code freeze} ends the space's changes and answers a constructor of copies of it: its yields
 * are servers of this same program whose background is the frozen space, which they find in their
 * tools page ({@link VirtualCopySpaceProgram#TOOL_BACKGROUND}); such a yield answers its creator
 * with its space facet.
 */
final class VirtualCopySpaceServer extends SpaceServer
    implements jackal.services.idl.coyotos.VirtualCopySpaceServer {
  private final AddressSpaceClient spaces;
  private final BuilderClient builders;

  /** Set by freeze: nothing is repaired any more. */
  private boolean frozen;

  /** Freeze's constructor is made (in FROZEN): every later freeze answers it. */
  private boolean sealedCopies;

  /** Started by a constructor (its background and Discrim in its tools): answers its creator. */
  private boolean yield;

  VirtualCopySpaceServer(SystemCalls sys) {
    super(sys);
    Ipc calls = new Ipc(sys);
    this.spaces = new AddressSpaceClient(calls);
    this.builders = new BuilderClient(calls);
  }

  @Override
  boolean handles(int fc, long addr) {
    return !frozen
        && (fc == FaultCode.INVALID_DATA_REFERENCE
            || fc == FaultCode.INVALID_CAP_REFERENCE
            || fc == FaultCode.ACCESS_VIOLATION);
  }

  /**
   * A server built into an image holds its background and Discrim in registers and Null in TOOLS; a
   * constructor's yield holds them in its tools page instead.
   */
  @Override
  void beforeRoot() throws KernelException {
    try {
      spaces.getSlot(reg(CapReg.TOOLS), VirtualCopySpaceProgram.TOOL_BACKGROUND, reg(BACKGROUND));
      spaces.getSlot(reg(CapReg.TOOLS), VirtualCopySpaceProgram.TOOL_DISCRIM, reg(DISCRIM));
      yield = true;
    } catch (KernelException e) {
      yield = false; // TOOLS is not a capability page: built into an image
    }
  }

  @Override
  void serving() throws KernelException {
    if (yield) {
      // As Yield.answerCreator does (the servers' segment does not hold the constructor's
      // classes): the creator's reply capability is in RETURN; answer it without waiting.
      endpoint.makeEntryCap(reg(CapReg.INITEPT), PP_SPACE, reg(CopyOnWrite.TMP1));
      ipc.w[SNDCAP] = reg(CopyOnWrite.TMP1);
      ipc.send(reg(CapReg.RETURN), 0, 0, true);
    }
  }

  @Override
  boolean livesInItsBank() {
    return yield;
  }

  @Override
  ServerLoop.Handler spaceFacet() {
    return new VirtualCopySpaceSkeleton(this);
  }

  @Override
  public long getSpace() {
    return opaqueRoot();
  }

  /**
   * Freezes the space and answers a constructor of copies of it (the same one every time). The
   * frozen space is what the root's slot 0 spans (addresses below 2^63, where the background and
   * every repair of a program's space lie); each root slot is weakened, so no path through the root
   * can write any more, and no repair is made after this: a write is a fault for the process
   * handler. The constructor lives on this server's bank and is built by the metaconstructor in
   * {@link VirtualCopySpaceProgram#METACONSTRUCTOR}; without one, UnknownRequest, as Coyotos.
   */
  @Override
  public long freeze() throws KernelException {
    if (sealedCopies) {
      return reg(VirtualCopySpaceProgram.FROZEN);
    }
    if (discrim.classify(reg(DISCRIM), reg(VirtualCopySpaceProgram.METACONSTRUCTOR))
        == Codes.CL_NULL) {
      throw new CapUnknownRequestException();
    }
    int root = CopyOnWrite.ROOT;
    int tmp = CopyOnWrite.TMP1;
    int builder = CopyOnWrite.TMP2;
    // The builder first: if the bank cannot pay for it, nothing is frozen.
    builders.create(
        reg(VirtualCopySpaceProgram.METACONSTRUCTOR),
        BANK,
        reg(VirtualCopySpaceProgram.SCHEDULE),
        NULL,
        reg(builder));
    if (!frozen) {
      frozen = true;
      for (int slot = 0; slot < CopyOnWrite.HANDLER_SLOT; slot++) {
        gpt.getSlot(reg(root), slot, reg(tmp));
        if (discrim.classify(reg(DISCRIM), reg(tmp)) != Codes.CL_NULL) {
          gpt.reduce(reg(tmp), Restr.WEAK, reg(tmp));
          gpt.setSlot(reg(root), slot, reg(tmp));
        }
      }
    }
    gpt.getSlot(reg(root), 0, reg(tmp));
    builders.setSpace(reg(builder), reg(VirtualCopySpaceProgram.OWN_SPACE));
    builders.setPC(reg(builder), ProgramLayout.PC);
    builders.setTool(reg(builder), VirtualCopySpaceProgram.TOOL_BACKGROUND, reg(tmp));
    builders.seal(reg(builder), reg(VirtualCopySpaceProgram.FROZEN));
    sealedCopies = true;
    return reg(VirtualCopySpaceProgram.FROZEN);
  }
}
