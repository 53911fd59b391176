package jackal.idl;

/**
 * A place in a CapIDL source: the file name as the compiler was given it, and a 1-based line and
 * column. Columns count characters (a tab is one column).
 */
public record SourcePos(String file, int line, int column) {
  @Override
  public String toString() {
    return file + ":" + line + ":" + column;
  }
}
