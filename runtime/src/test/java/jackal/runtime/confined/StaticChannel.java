package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.confined.lib.SharedLibraryState;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * Two entries of one program trying to pass a value through static fields: the writer stores 42 in
 * a static of a program class and of a class of the shared library segment, then asks the reader
 * (APP0) what it sees there.
 */
public final class StaticChannel {
  private StaticChannel() {}

  /** The program class's static. */
  public static long value;

  /** Stores, then asks; logs what it read back itself and what the reader saw. */
  public static final class Writer implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      value = 42;
      SharedLibraryState.value = 42;
      Ipc ipc = new Ipc(sys);
      ipc.w[1] = 1;
      ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 1, 0, -1);
      new KernLogClient(new Ipc(sys))
          .stringArea(0, 256)
          .log(
              CapLoc.reg(20),
              ("writer kept "
                      + value
                      + " and "
                      + SharedLibraryState.value
                      + "; reader saw "
                      + ipc.w[1]
                      + " and "
                      + ipc.w[2])
                  .getBytes(UTF_8));
    }
  }

  /** Answers each request with the two statics as it sees them. */
  public static final class Reader implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      for (; ; ) {
        ipc.w[1] = value;
        ipc.w[2] = SharedLibraryState.value;
        ipc.replyAndReceive(2, -1);
      }
    }
  }
}
