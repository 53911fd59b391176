package jackal.runtime.confined;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.Syscall;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;

/**
 * Two servers started with no capability at all (every register of a fresh process reads from one
 * register file shared by all, all Null, until its first store): one has capabilities stored in its
 * registers by a request, the other shows a client what its registers hold.
 */
public final class RegisterFiles {
  private RegisterFiles() {}

  /**
   * Waits for a request carrying capabilities (the kernel stores them in ARG0, ARG1 and ARG2, and
   * the reply capability in RETURN: its first stores) and answers with the three it now holds, then
   * waits for the next request, keeping them.
   */
  public static final class Planter implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      for (; ; ) {
        for (int i = 0; i < 3; i++) {
          ipc.w[ParameterBlock.SNDCAP + i] = CapLoc.reg(CapReg.ARG0 + i);
        }
        ipc.replyAndReceive(0, 2);
      }
    }
  }

  /**
   * Receives requests with room for one capability only (the reply capability, in RETURN) and
   * answers each with the capabilities in its registers {@code w[1]}, {@code w[1] + 1} and {@code
   * w[1] + 2} (register 0, Null, in place of RETURN and of numbers past 31): registers it was never
   * given anything in.
   */
  public static final class Snoop implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      ParameterBlock pb = new ParameterBlock();
      long[] w = pb.w;
      long receive = Syscall.INVOKE_CAP | Icw.RP | Icw.AC | Icw.makeLrc(0) | Icw.CO;
      w[ParameterBlock.ICW] = receive;
      w[ParameterBlock.RCVCAP] = CapLoc.reg(CapReg.RETURN);
      sys.trap(pb);
      for (; ; ) {
        long base = w[1];
        for (int i = 0; i < 3; i++) {
          long r = base + i;
          boolean shown = r > 0 && r < 32 && r != CapReg.RETURN;
          w[ParameterBlock.SNDCAP + i] = CapLoc.reg(shown ? (int) r : 0);
        }
        w[ParameterBlock.ICW] = receive | Icw.SP | Icw.NB | Icw.SC | Icw.makeLsc(2);
        w[ParameterBlock.INVCAP] = CapLoc.reg(CapReg.RETURN);
        w[ParameterBlock.RCVCAP] = CapLoc.reg(CapReg.RETURN);
        w[ParameterBlock.EPID] = 0;
        sys.trap(pb);
      }
    }
  }
}
