package jackal.image.tour;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;

/** The tour's echo server: answers every request with its first word plus one. */
public final class Echo implements ProgramEntry {
  /** The loader makes one. */
  public Echo() {}

  @Override
  public void run(SystemCalls sys) {
    serve(new Ipc(sys));
  }

  static void serve(Ipc ipc) {
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = ipc.w[1] + 1;
      ipc.replyAndReceive(1, -1);
    }
  }
}
