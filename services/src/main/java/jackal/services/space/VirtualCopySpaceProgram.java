package jackal.services.space;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.KernelException;

/**
 * The virtual copy space server as a program (one process per space). It starts holding: its bank
 * in SPACEBANK, its endpoint in INITEPT, the space to copy in {@link #BACKGROUND} (Null for
 * zeroVCS) and Discrim in {@link #DISCRIM}; for {@code freeze}, the metaconstructor in {@link
 * #METACONSTRUCTOR}, a Schedule in {@link #SCHEDULE} and its own program space (weak) in {@link
 * #OWN_SPACE}. Built by a constructor (the one freeze answers), it finds its background and Discrim
 * in its tools page instead. Payload 0 is the VirtualCopySpace facet, 1 the memory handler.
 */
public final class VirtualCopySpaceProgram implements ProgramEntry {
  public static final int BACKGROUND = SpaceServer.BACKGROUND;
  public static final int DISCRIM = SpaceServer.DISCRIM;
  public static final int PP_SPACE = SpaceServer.PP_SPACE;
  public static final int PP_HANDLER = SpaceServer.PP_HANDLER;

  /** The metaconstructor's Constructor facet, which makes freeze's constructor (or Null). */
  public static final int METACONSTRUCTOR = CapReg.APP0 + 8;

  /** The Schedule freeze's constructor runs on. */
  public static final int SCHEDULE = CapReg.APP0 + 9;

  /** The server's own program space, weak: the yields of freeze's constructor run it too. */
  public static final int OWN_SPACE = CapReg.APP0 + 10;

  /** Freeze's constructor, once made. */
  static final int FROZEN = CapReg.APP0 + 11;

  /** The tools page slot of Discrim (the constructors' TOOL_DISCRIM). */
  public static final int TOOL_DISCRIM = 0;

  /** The tools page slot where a yield of freeze's constructor finds the frozen space. */
  public static final int TOOL_BACKGROUND = 8;

  /** The loader makes one for the server process. */
  public VirtualCopySpaceProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    new VirtualCopySpaceServer(sys).run();
  }
}
