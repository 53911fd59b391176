package jackal.image.store;

/**
 * A store that cannot be read as it is: the message names the file, the generation (if the fault is
 * in one) and the byte offset, and what is wrong. Nothing is loaded from such a store.
 */
public final class StoreException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long generation;
  private final long offset;

  StoreException(String file, long generation, long offset, String detail) {
    super(
        file
            + (generation > 0 ? ", generation " + generation : "")
            + (offset >= 0 ? ", offset " + offset : "")
            + ": "
            + detail);
    this.file = file;
    this.generation = generation;
    this.offset = offset;
  }

  public String file() {
    return file;
  }

  /** The generation at fault, or 0 if the fault is not in one. */
  public long generation() {
    return generation;
  }

  /** The byte offset in {@link #file} of the fault, or -1. */
  public long offset() {
    return offset;
  }
}
