package jackal.services.constructor;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * A yield for the tests, loaded from pages: it answers its creator with an Entry capability to
 * itself, then answers every request with its first word plus one.
 */
public final class EchoYield implements ProgramEntry {
  public EchoYield() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    Yield.answerCreator(ipc, 0, CapReg.APP0);
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = ipc.w[1] + 1;
      ipc.replyAndReceive(1, -1);
    }
  }
}
