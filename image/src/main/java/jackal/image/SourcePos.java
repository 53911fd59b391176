package jackal.image;

/**
 * A place in an image source: the file name as the interpreter was given it, and a 1-based line and
 * column. Columns count code points (a tab is one column).
 */
public record SourcePos(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
