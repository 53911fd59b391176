package jackal.kernel.load;

/**
 * PLACEHOLDER (branch loader): a pass-through until the preempt branch's rewriter lands, which
 * replaces this file. It takes a verified class file and returns the class file to define.
 */
public final class ProgramRewriter {
  private ProgramRewriter() {}

  /** Returns the class to define in place of the verified {@code classBytes}. */
  public static byte[] rewrite(byte[] classBytes) {
    return classBytes;
  }
}
