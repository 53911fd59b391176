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
 * A hostile loaded program that calls the kernel with its stack nearly used up: for back-offs from
 * 0 to {@link #BACK_OFFS} frames it recurses until its stack overflows, unwinds that many frames,
 * and calls there (an IPC call to the server in APP0, which waits for the answer, or a Yield). It
 * catches the StackOverflowError a call may throw (as an Error: the allow-list does not name
 * StackOverflowError), logs how many calls were served and how many overflowed, then calls once
 * more right at its limit without catching anything.
 */
public final class NearStackLimit implements ProgramEntry {
  public static final int BACK_OFFS = 600;

  /** Then back-offs of k/FRACTIONS of the limit, for k from 0 to FRACTIONS. */
  public static final int FRACTIONS = 40;

  /**
   * Back-offs tried: every {@code STEP}-th frame (a dive to the limit costs a few milliseconds).
   */
  public static final int STEP = 20;

  private SystemCalls sys;
  private Ipc ipc;
  private int backOff;
  private int served;
  private int overflowed;
  private boolean lastCall;
  private boolean escaping;
  private boolean measuring;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    this.sys = sys;
    this.ipc = new Ipc(sys);
    for (int b = 0; b <= BACK_OFFS; b += STEP) {
      backOff = b;
      dive(0);
    }
    // Yielding a deep stack needs native stack in proportion to its depth, so calls this close to
    // the limit all overflow; calls from shallower depths, as fractions of the limit, fit.
    for (int k = 0; k <= FRACTIONS; k++) {
      measuring = true;
      long limit = dive(0);
      measuring = false;
      backOff = (int) (limit * k / FRACTIONS);
      dive(0);
    }
    new KernLogClient(new Ipc(sys))
        .stringArea(0, 256)
        .log(
            CapLoc.reg(20),
            ("near-limit: served=" + served + " overflowed=" + overflowed).getBytes(UTF_8));
    lastCall = true;
    backOff = 0;
    dive(0);
  }

  @SuppressWarnings("InfiniteRecursion") // it ends in the StackOverflowError it is after
  private long dive(long n) throws KernelException {
    try {
      long reached = dive(n + 1);
      return reached;
    } catch (Error e) {
      if (measuring) {
        return n; // the depth this dive reached
      }
      if (escaping || (backOff-- > 0 && n > 0)) {
        // Unwinds the back-off, but never past the first frame: a dive that reached less deep than
        // the measuring one (its frames compiled differently, or run with less stack after a move
        // to the other CPU's thread) would otherwise throw out of the program, which then died of
        // StackOverflowError before it logged (StackOverflowAttackTest, 4 runs in 10).
        throw e;
      }
      if (lastCall) {
        escaping = true; // what the call throws goes out of the program
        call(n);
        return n;
      }
      try {
        call(n);
        served++;
      } catch (Error inKernel) {
        overflowed++;
      }
      return n;
    }
  }

  private void call(long n) throws KernelException {
    if ((n & 1) == 0) {
      ipc.w[1] = 1;
      ipc.w[2] = n;
      ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 2, 0, -1);
      if (ipc.w[1] != n + 1) {
        throw new IllegalStateException("wrong answer " + ipc.w[1]);
      }
    } else {
      ipc.yieldCpu();
    }
    if (sys == null) {
      throw new IllegalStateException("unreachable");
    }
  }
}
