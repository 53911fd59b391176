package jackal.image;

import java.io.Serial;

/**
 * An image source is malformed, or its execution went wrong. The message reads {@code
 * file.mki:12:7: what is wrong}, in the same form as the CapIDL compiler's errors; the parts are
 * also available separately.
 */
public final class ImageException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final SourcePos pos;
  private final String detail;

  public ImageException(SourcePos pos, String detail) {
    super(pos + ": " + detail);
    this.pos = pos;
    this.detail = detail;
  }

  /** The file name, as the interpreter was given it. */
  public String file() {
    return pos.file();
  }

  /** The 1-based line. */
  public int line() {
    return pos.line();
  }

  /** The 1-based column. */
  public int column() {
    return pos.column();
  }

  /** The position as a value. */
  public SourcePos pos() {
    return pos;
  }

  /** What is wrong, without the position. */
  public String detail() {
    return detail;
  }
}
