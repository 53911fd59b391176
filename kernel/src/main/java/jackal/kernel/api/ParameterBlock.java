package jackal.kernel.api;

/**
 * The invocation parameter block of one process: the 22 parameter words of a 64-bit Coyotos target,
 * indexed exactly as the reference numbers them.
 *
 * <p>On hardware, words 0-3 travel in registers and the rest sit in the caller's memory. Here the
 * whole block is an object that the program owns and passes to {@link SystemCalls#trap}. While a
 * receive is pending the kernel writes the incoming message into the block the receiver last
 * trapped with, which is why a program must not touch a block it is receiving into.
 */
public final class ParameterBlock {
  /** Word 0: the invocation control word (IPW0 on input, OPW0 on output). */
  public static final int ICW = 0;

  /** Word 1: the first data word; carries the opcode on a request. */
  public static final int OPCODE = 1;

  /** Word 8: the invoked capability (in); the protected payload received (out). */
  public static final int INVCAP = 8;

  /** Word 8 on output. */
  public static final int PP = 8;

  /** Words 9-12: the locations of the four capabilities sent. */
  public static final int SNDCAP = 9;

  /** Words 13-16: the locations the four received capabilities go to. */
  public static final int RCVCAP = 13;

  /** Word 17: the length of the string sent (in); the sender's full string length (out). */
  public static final int SNDLEN = 17;

  /** Word 18: the receive bound of the string buffer. */
  public static final int RCVBOUND = 18;

  /** Word 19: the address of the string sent, in the sender's space. */
  public static final int SNDPTR = 19;

  /** Word 20: the address of the receive string buffer, in the receiver's space. */
  public static final int RCVPTR = 20;

  /** Word 21: the endpoint ID to match in a closed wait (in); the endpoint ID received (out). */
  public static final int EPID = 21;

  /** Number of parameter words. */
  public static final int WORDS = 22;

  /** The parameter words. */
  public final long[] w = new long[WORDS];

  /** A block with every word zero. */
  public ParameterBlock() {}

  /** Sets every word to zero. */
  public void clear() {
    java.util.Arrays.fill(w, 0L);
  }
}
