package jackal.runtime.confined;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/** A loaded program: answers every request with its first word plus one, forever. */
public final class HonestServer implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = ipc.w[2] + 1;
      ipc.replyAndReceive(1, -1);
    }
  }
}
