package jackal.runtime.confined.sharing.loud;

/**
 * A program's own exception with no state (so the processes of its image share the class) whose
 * message is program code: the kernel, logging the death, must not run it.
 */
public final class LoudFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure of the thrower. */
  public LoudFailure() {
    super("the constructor's message");
  }

  @Override
  public String getMessage() {
    return "READ BY THE KERNEL";
  }
}
