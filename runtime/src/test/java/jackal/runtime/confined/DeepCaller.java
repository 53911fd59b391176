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
 * A hostile loaded client that tries to starve its server of stack: it measures how deep it can
 * recurse, then for k from 0 to {@link #FRACTIONS} recurses to k/FRACTIONS of that depth and calls
 * the server in APP0 from there ({@link DeepServer} answers with how deep it could recurse itself,
 * and how deep it could from a dispatch by the loop). A call that overflows in the kernel (the
 * yield of a very deep stack) is caught and counted, as is a dive that overflows before it calls.
 * It logs the least and the greatest depth the server reported, and how many calls overflowed or
 * were missed.
 */
public final class DeepCaller implements ProgramEntry {
  public static final int FRACTIONS = 20;

  /** Rounds over the fractions: the first warms the JIT (its answers are not counted). */
  public static final int ROUNDS = 3;

  private Ipc ipc;
  private long target;
  private boolean measuring;
  private long least = Long.MAX_VALUE;
  private long most;
  private long ordinary;
  private int answered;
  private int overflowed;
  private int missed;
  private boolean counting;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    this.ipc = new Ipc(sys);
    for (int round = 0; round < ROUNDS; round++) {
      counting = round > 0;
      for (int k = 0; k <= FRACTIONS; k++) {
        measuring = true;
        long limit = dive(0);
        measuring = false;
        // Up to nine tenths of the limit: the limit itself moves with what the JIT has compiled.
        target = limit * 9 * k / (10 * FRACTIONS);
        try {
          dive(0);
        } catch (Error e) {
          missed++; // overflowed on the way down, before calling
        }
      }
    }
    new KernLogClient(new Ipc(sys))
        .stringArea(0, 256)
        .log(
            CapLoc.reg(20),
            ("deep: answered="
                    + answered
                    + " least="
                    + least
                    + " most="
                    + most
                    + " ordinary="
                    + ordinary
                    + " overflowed="
                    + overflowed
                    + " missed="
                    + missed)
                .getBytes(UTF_8));
  }

  @SuppressWarnings("InfiniteRecursion") // measuring: it ends in the StackOverflowError it is after
  private long dive(long n) {
    if (!measuring && n >= target) {
      call();
      return n;
    }
    try {
      return dive(n + 1);
    } catch (Error e) {
      if (measuring) {
        return n;
      }
      throw e;
    }
  }

  private void call() {
    try {
      ipc.w[1] = 1;
      ipc.callOrThrow(CapLoc.reg(CapReg.APP0), 1, 0, -1);
      if (counting) {
        answered++;
        least = Math.min(least, ipc.w[1]);
        most = Math.max(most, ipc.w[1]);
        ordinary = ipc.w[2];
      }
    } catch (KernelException e) {
      throw new IllegalStateException("refused", e);
    } catch (Error inKernel) {
      overflowed++;
    }
  }
}
