package jackal.runtime.confined;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * A loaded server that answers every call with how deep it could recurse while serving it (frames
 * of one method, until its StackOverflowError): the stack its caller left it; and, in the second
 * word, how deep it got from the same frame in its first dispatch, which the dispatch loop made:
 * the stack a process ordinarily has. Recurses to the limit a number of times before its first
 * receive, so that the JIT has compiled the recursion and the answers compare stack, not
 * compilation.
 */
public final class DeepServer implements ProgramEntry {
  public static final int WARM_UPS = 30;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    long ordinary = 0;
    for (int i = 0; i < WARM_UPS; i++) {
      ordinary = depth(0); // dispatched from the loop: the stack a process ordinarily has
    }
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = depth(0);
      ipc.w[2] = ordinary;
      ipc.replyAndReceive(2, -1);
    }
  }

  @SuppressWarnings("InfiniteRecursion") // it ends in the StackOverflowError it is after
  private static long depth(long n) {
    try {
      return depth(n + 1);
    } catch (Error e) {
      return n;
    }
  }
}
