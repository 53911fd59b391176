package jackal.kernel.load.capture;

/**
 * Program-state bytes that cannot be restored: malformed, corrupted, of another format version, or
 * naming what the process's image does not hold. The message names what is wrong and where (byte
 * offset, class, method).
 */
public final class BadProgramState extends Exception {
  private static final long serialVersionUID = 1L;

  public BadProgramState(String message) {
    super("bad program state: " + message);
  }
}
