package jackal.kernel.boot;

/**
 * A checkpoint could not be taken or written; the system runs on, and the objects it would have
 * written are written by the next one. The message says why (a process that reached no preemption
 * check or no capturable point in time, the store's failure).
 */
public final class CheckpointIncompleteException extends Exception {
  private static final long serialVersionUID = 1L;

  public CheckpointIncompleteException(String message) {
    super(message);
  }

  public CheckpointIncompleteException(String message, Throwable cause) {
    super(message, cause);
  }
}
