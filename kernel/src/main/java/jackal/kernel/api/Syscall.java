package jackal.kernel.api;

/** System call numbers, carried in the {@code nr} field of the control word. */
public final class Syscall {
  private Syscall() {}

  public static final int INVOKE_CAP = 0;
  public static final int COPY_CAP = 2;
  public static final int YIELD = 3;

  /** The largest string a single invocation may send or receive. */
  public static final int MAX_SNDLEN = 65536;
}
