package jackal.runtime.confined;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;

/**
 * A loaded server that never answers: it waits for one request, tells the process behind the
 * endpoint in APP0 that it has it (one word, 1), and computes forever without another system call.
 * Called from the same CPU, it runs in place on its caller's stack, so the kernel's marks (a
 * destroy, the end of its slice) must reach it there.
 */
public final class SpinsWhenCalled implements ProgramEntry {
  private long spins;

  @Override
  public void run(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    ipc.w[1] = 1;
    ipc.send(CapLoc.reg(CapReg.APP0), 1, -1, false);
    for (; ; ) {
      spins++;
    }
  }
}
