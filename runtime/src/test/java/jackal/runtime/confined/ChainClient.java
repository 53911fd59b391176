package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * A loaded program at the head of a chain: calls {@link ChainMiddle} in APP0 {@link #CALLS} times,
 * each answer two more than what it sent (one per server on the way), then logs the count through
 * KernLog in register 20. Throws if an answer is wrong.
 */
public final class ChainClient implements ProgramEntry {
  public static final int CALLS = 20_000;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    long n = 0;
    for (int i = 0; i < CALLS; i++) {
      ipc.w[1] = 1;
      ipc.w[2] = n;
      ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 2, 0, -1);
      if (ipc.w[1] != n + 2) {
        throw new IllegalStateException("wrong answer " + ipc.w[1] + " after " + n);
      }
      n = ipc.w[1];
    }
    new KernLogClient(new Ipc(sys))
        .stringArea(0, 256)
        .log(CapLoc.reg(20), ("chain: counted " + n).getBytes(UTF_8));
  }
}
