package jackal.runtime.confined.sharing.state;

/**
 * The usual dodge of "final": a final static that holds a mutable array. Its static initialiser
 * makes it stateful, so every process has its own.
 */
public final class Cell {
  private Cell() {}

  public static final long[] CELL = new long[1];
}
