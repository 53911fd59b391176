package jackal.image.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.ElfSpaceClient;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.ProcessClient;

/**
 * Starts a process of the image in a space server's space, which exists only once the server runs:
 * asks the server (its facet in {@link #FACET}) for its space and gives it to the process in {@link
 * #PROCESS} with the program's PC, which it reads from the endpoint ID of the endpoint in INITEPT.
 * Then it returns; what it held goes with it. The image language's {@code launch} builds one.
 */
public final class Launcher implements ProgramEntry {
  /** The process to start. */
  public static final int PROCESS = CapReg.APP0;

  /** The space server's own facet (ElfSpace or VirtualCopySpace). */
  public static final int FACET = CapReg.APP0 + 1;

  /** Where the space is put. */
  private static final int SPACE = CapReg.APP0 + 2;

  /** The loader makes one. */
  public Launcher() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    long pc = new EndpointClient(ipc).getEndpointID(CapLoc.reg(CapReg.INITEPT));
    new ElfSpaceClient(ipc).getSpace(CapLoc.reg(FACET), CapLoc.reg(SPACE));
    new ProcessClient(ipc).setSpaceAndPC(CapLoc.reg(PROCESS), CapLoc.reg(SPACE), pc);
  }
}
