package jackal.runtime.confined;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * A loaded program in the middle of a chain: for every request it calls the server in APP0 with the
 * request's second word (that server answers it plus one), and answers its own caller with that
 * answer plus one. It calls on while its caller waits for it, as the pipe's server answers one
 * client while serving another.
 */
public final class ChainMiddle implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc in = new Ipc(sys);
    Ipc out = new Ipc(sys);
    in.receive();
    for (; ; ) {
      out.w[1] = 1;
      out.w[2] = in.w[2];
      out.callOrThrow(CapLoc.reg(CapReg.APP0), 2, 0, -1);
      in.w[1] = out.w[1] + 1;
      in.replyAndReceive(1, -1);
    }
  }
}
