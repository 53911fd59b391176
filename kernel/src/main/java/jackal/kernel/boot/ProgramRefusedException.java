package jackal.kernel.boot;

import jackal.kernel.api.FaultCode;
import jackal.kernel.load.LoadFailure;
import jackal.kernel.load.Refusal;

/**
 * A program image the kernel will not load: malformed or over a limit ({@link
 * FaultCode#BAD_PROGRAM_IMAGE}), or code the verifier refuses ({@link FaultCode#PROGRAM_REFUSED}),
 * in which case the class, method (name and descriptor), bytecode offset and the member or type
 * reached are given. A process pointed at such an image anyway takes the same fault when it starts.
 */
public final class ProgramRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int faultCode;
  private final String className;
  private final String method;
  private final int offset;
  private final String reached;

  ProgramRefusedException(LoadFailure f) {
    super(f.getMessage());
    this.faultCode = f.faultCode();
    Refusal r = f.refusal();
    this.className = r == null ? "" : r.className();
    this.method = r == null ? "" : r.method();
    this.offset = r == null ? -1 : r.offset();
    this.reached = r == null ? "" : r.reached();
  }

  /** The fault a process takes for this image. */
  public int faultCode() {
    return faultCode;
  }

  /** The refused class (binary name); empty for a malformed image. */
  public String className() {
    return className;
  }

  /** The refused method, name and descriptor ({@code run(Ljackal/kernel/api/SystemCalls;)V}). */
  public String method() {
    return method;
  }

  /** The bytecode offset of the refused instruction, or -1. */
  public int offset() {
    return offset;
  }

  /** The member or type the code reached ({@code java.lang.Object.wait()V}). */
  public String reached() {
    return reached;
  }
}
