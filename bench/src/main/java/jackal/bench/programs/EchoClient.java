package jackal.bench.programs;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;

/**
 * The client of {@code ipc.roundtrip.same-cpu.loaded}, a program loaded from pages: per kick (a
 * message with endpoint ID {@link #GO_ID} whose first word is the batch size n), makes n echo calls
 * ({@link Ipc#call} to the server in APP0, {@code w[1] = i}, answered {@code i + 1}), then sends
 * the sum of the answers (-1 if a call failed or an answer was wrong) to APP0 + 1.
 */
public final class EchoClient implements ProgramEntry {
  /** The endpoint ID of the kicks. */
  public static final long GO_ID = 99;

  public EchoClient() {}

  @Override
  public void run(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    long server = CapLoc.reg(CapReg.APP0);
    long done = CapLoc.reg(CapReg.APP0 + 1);
    for (; ; ) {
      ipc.receive(true, GO_ID);
      long n = ipc.w[1];
      long sum = 0;
      for (long i = 0; i < n; i++) {
        ipc.w[1] = i;
        if (!ipc.call(server, 1, 0, -1) || ipc.w[1] != i + 1) {
          sum = -1;
          break;
        }
        sum += ipc.w[1];
      }
      ipc.w[1] = sum;
      ipc.send(done, 1, -1, false);
    }
  }
}
