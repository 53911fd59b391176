package jackal.idl;

import java.io.Serial;

/**
 * A CapIDL source is malformed. The message reads {@code File.idl:12:7: what is wrong}; the parts
 * are also available separately.
 */
public final class IdlException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int column;
  private final String detail;

  public IdlException(SourcePos pos, String detail) {
    super(pos + ": " + detail);
    this.file = pos.file();
    this.line = pos.line();
    this.column = pos.column();
    this.detail = detail;
  }

  /** The file name, as the compiler was given it. */
  public String file() {
    return file;
  }

  /** The 1-based line. */
  public int line() {
    return line;
  }

  /** The 1-based column. */
  public int column() {
    return column;
  }

  /** The position as a value. */
  public SourcePos pos() {
    return new SourcePos(file, line, column);
  }

  /** What is wrong, without the position. */
  public String detail() {
    return detail;
  }
}
