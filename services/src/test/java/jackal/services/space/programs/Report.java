package jackal.services.space.programs;

import jackal.kernel.api.CapLoc;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;

/**
 * How the programs of this package tell the test what they did: one word sent to the Entry
 * capability in {@link #TO}, without waiting for an answer (a program with no room left in its data
 * region can still send it: it needs no memory).
 */
public final class Report {
  private Report() {}

  /** The register the programs find the report's receiver in. */
  public static final int TO = CapReg.APP0 + 1;

  /** The register the programs find their ElfSpace facet in. */
  public static final int SPACE = CapReg.APP0;

  public static void send(Ipc ipc, long word) {
    ipc.w[1] = word;
    ipc.send(CapLoc.reg(TO), 1, -1, false);
  }
}
