package jackal.services.constructor;

import static jackal.kernel.api.ParameterBlock.SNDCAP;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.AddressSpaceClient;
import jackal.services.idl.coyotos.SpaceHandlerCodes;

/**
 * A space handler for the tests, loaded from pages: it answers its creator, then answers {@code
 * SpaceHandler.getSpace} with the space in slot {@link #SPACE_TOOL} of its tools page.
 */
public final class SpaceYield implements ProgramEntry {
  /** The tools page slot the space is taken from (Coyotos's first application tool). */
  public static final int SPACE_TOOL = 4;

  public SpaceYield() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    AddressSpaceClient tools = new AddressSpaceClient(new Ipc(sys));
    Yield.answerCreator(ipc, 0, CapReg.APP0);
    ipc.receive();
    for (; ; ) {
      if (ipc.opcode() != SpaceHandlerCodes.OC_getSpace) {
        ipc.replyExceptionAndReceive(Codes.RC_UNKNOWN_REQUEST);
        continue;
      }
      tools.getSlot(CapReg.loc(CapReg.TOOLS), SPACE_TOOL, CapReg.loc(CapReg.REPLY0));
      ipc.w[SNDCAP] = CapReg.loc(CapReg.REPLY0);
      ipc.replyAndReceive(0, 0);
    }
  }
}
