package jackal.bench.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;

/**
 * The server of {@code scale.processes} written the way a program would use the runtime: waits for
 * a request with {@link Ipc#receive}, answers {@code w[1] + 1} and waits again, in one trap.
 */
public final class ScaleServer implements ProgramEntry {
  public ScaleServer() {}

  @Override
  public void run(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = ipc.w[1] + 1;
      ipc.replyAndReceive(1, -1);
    }
  }
}
