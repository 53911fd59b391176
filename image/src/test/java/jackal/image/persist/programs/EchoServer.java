package jackal.image.persist.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;

/**
 * Answers every request with its number plus one, for ever: one receive, then a reply and the next
 * receive in one trap each time. Words: 8 requests answered.
 */
public final class EchoServer implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (long n = 1; ; n++) {
      ipc.w[1] = ipc.w[2] + 1;
      sys.storeLong(8, n);
      ipc.replyAndReceive(1, -1);
    }
  }
}
