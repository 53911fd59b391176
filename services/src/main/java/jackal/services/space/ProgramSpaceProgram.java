package jackal.services.space;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.KernelException;

/**
 * The program space server as a program (one process per space). It starts holding: its bank in
 * SPACEBANK, its endpoint in INITEPT, the program's image in {@link #IMAGE} and Discrim in {@link
 * #DISCRIM}. Its endpoint's Entry capabilities: payload 0 is the ElfSpace facet, payload 1 the
 * memory handler (which it installs in its root GPT itself).
 */
public final class ProgramSpaceProgram implements ProgramEntry {
  /** The program's image (a program space: code at the PC, data pages at 0). */
  public static final int IMAGE = SpaceServer.BACKGROUND;

  public static final int DISCRIM = SpaceServer.DISCRIM;

  /** Payload of the ElfSpace facet. */
  public static final int PP_SPACE = SpaceServer.PP_SPACE;

  /** Payload of the memory handler facet. */
  public static final int PP_HANDLER = SpaceServer.PP_HANDLER;

  /** The loader makes one for the server process. */
  public ProgramSpaceProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    new ProgramSpaceServer(sys).run();
  }
}
