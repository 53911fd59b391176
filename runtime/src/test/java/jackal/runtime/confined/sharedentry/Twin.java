package jackal.runtime.confined.sharedentry;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * An entry class that holds no static state, so the processes of its image share it, but keeps a
 * count in its instance. Each process counts its run once; the one given a peer in APP0 asks the
 * peer for its count and the identities of its entry object and class, and logs both views. Were
 * the entry object shared, one of the two would count 2.
 */
public final class Twin implements ProgramEntry {
  private long runs;

  /** The loader makes one for each process. */
  public Twin() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    runs++;
    Ipc ipc = new Ipc(sys);
    ipc.w[1] = 0;
    try {
      ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 1, 0, -1);
    } catch (KernelException e) {
      answer(ipc); // no peer: this one is asked
      return;
    }
    long peerRuns = ipc.w[1];
    boolean sameObject = ipc.w[2] == System.identityHashCode(this);
    boolean sameClass = ipc.w[3] == System.identityHashCode(Twin.class);
    new KernLogClient(new Ipc(sys))
        .stringArea(0, 256)
        .log(
            CapLoc.reg(20),
            ("twin runs mine="
                    + runs
                    + " peer="
                    + peerRuns
                    + " same entry object="
                    + sameObject
                    + " same entry class="
                    + sameClass)
                .getBytes(UTF_8));
  }

  private void answer(Ipc ipc) throws KernelException {
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = runs;
      ipc.w[2] = System.identityHashCode(this);
      ipc.w[3] = System.identityHashCode(Twin.class);
      ipc.replyAndReceive(3, -1);
    }
  }
}
