package jackal.bench.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.Syscall;
import jackal.kernel.api.SystemCalls;

/**
 * The same server as {@link ScaleServer} in one class that traps directly, without the runtime
 * library: the smallest program that waits in receive and answers. Its image is this class alone,
 * so a process running it defines one class of its own (and the kernel's preemption-check class).
 */
public final class TrapServer implements ProgramEntry {
  /** The register the reply capability arrives in (the runtime's CapReg.RETURN). */
  private static final int RETURN = 28;

  public TrapServer() {}

  @Override
  public void run(SystemCalls sys) {
    ParameterBlock pb = new ParameterBlock();
    long[] w = pb.w;
    long receive = Syscall.INVOKE_CAP | Icw.RP | Icw.AC | Icw.makeLrc(0) | Icw.CO;
    w[ParameterBlock.ICW] = receive;
    w[ParameterBlock.RCVCAP] = CapLoc.reg(RETURN);
    sys.trap(pb);
    for (; ; ) {
      w[1] = w[1] + 1;
      w[ParameterBlock.ICW] = receive | Icw.makeLdw(1) | Icw.SP | Icw.NB;
      w[ParameterBlock.INVCAP] = CapLoc.reg(RETURN);
      w[ParameterBlock.RCVCAP] = CapLoc.reg(RETURN);
      w[ParameterBlock.EPID] = 0;
      sys.trap(pb);
    }
  }
}
