package jackal.services.space;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.KernelException;

/**
 * The virtual copy space server as a program (one process per space). It starts holding: its bank
 * in SPACEBANK, its endpoint in INITEPT, the space to copy in {@link #BACKGROUND} (Null for
 * zeroVCS) and Discrim in {@link #DISCRIM}. Payload 0 is the VirtualCopySpace facet, 1 the memory
 * handler.
 */
public final class VirtualCopySpaceProgram implements ProgramEntry {
  public static final int BACKGROUND = SpaceServer.BACKGROUND;
  public static final int DISCRIM = SpaceServer.DISCRIM;
  public static final int PP_SPACE = SpaceServer.PP_SPACE;
  public static final int PP_HANDLER = SpaceServer.PP_HANDLER;

  /** The loader makes one for the server process. */
  public VirtualCopySpaceProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    new VirtualCopySpaceServer(sys).run();
  }
}
