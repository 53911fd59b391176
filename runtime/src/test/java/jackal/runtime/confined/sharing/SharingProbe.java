package jackal.runtime.confined.sharing;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.confined.sharing.code.Shape;
import jackal.runtime.confined.sharing.code.Spin;
import jackal.runtime.confined.sharing.old.Sneaky;
import jackal.runtime.confined.sharing.state.Cell;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * Two processes of one image looking for a channel through the classes they share: the writer
 * stores 42 everywhere it can (a final static array, an old class file's final static), then asks
 * the reader (APP0) what it sees there, and compares identities of classes and of a lambda.
 */
public final class SharingProbe {
  private SharingProbe() {}

  static long identity(Object o) {
    return System.identityHashCode(o);
  }

  /** Stores, asks, and logs what the reader saw next to its own view. */
  public static final class Writer implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      Cell.CELL[0] = 42;
      Sneaky.set(42);
      Ipc ipc = new Ipc(sys);
      ipc.w[1] = 1;
      ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 1, 0, -1);
      long cell = ipc.w[1];
      long sneaky = ipc.w[2];
      boolean sameShared = ipc.w[3] == identity(Shape.class);
      boolean sameLambda = ipc.w[4] == identity(Shape.constant());
      boolean sameStateful = ipc.w[5] == identity(Cell.class);
      new KernLogClient(new Ipc(sys))
          .stringArea(0, 256)
          .log(
              CapLoc.reg(20),
              ("writer kept "
                      + Cell.CELL[0]
                      + " and "
                      + Sneaky.get()
                      + "; reader saw "
                      + cell
                      + " and "
                      + sneaky
                      + "; shared class same="
                      + sameShared
                      + " lambda same="
                      + sameLambda
                      + " stateful class same="
                      + sameStateful
                      + " constant="
                      + Shape.ANSWER)
                  .getBytes(UTF_8));
    }
  }

  /** Answers each request with what it sees. */
  public static final class Reader implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      for (; ; ) {
        ipc.w[1] = Cell.CELL[0];
        ipc.w[2] = Sneaky.get();
        ipc.w[3] = identity(Shape.class);
        ipc.w[4] = identity(Shape.constant());
        ipc.w[5] = identity(Cell.class);
        ipc.replyAndReceive(5, -1);
      }
    }
  }

  /** Spins for ever in the shared {@link Spin}. */
  public static final class Spinner implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      Spin.forever(System.nanoTime());
    }
  }
}
