package jackal.image.file;

import java.io.Serial;

/**
 * An image file that cannot be loaded: the message names the file, the section and the byte offset
 * (from the start of the file) of what is wrong. Nothing of such a file is loaded.
 */
public final class ImageFileException extends Exception {
  @Serial private static final long serialVersionUID = 1L;

  private final String file;
  private final String section;
  private final long offset;
  private final String detail;

  public ImageFileException(String file, String section, long offset, String detail) {
    super(file + ": " + section + " at byte " + offset + ": " + detail);
    this.file = file;
    this.section = section;
    this.offset = offset;
    this.detail = detail;
  }

  public String file() {
    return file;
  }

  /**
   * The part at fault: {@code header}, {@code section TAG header} (a section's tag and lengths),
   * {@code section TAG} (its records, e.g. {@code section GPT}) or {@code end} (bytes after the
   * last section).
   */
  public String section() {
    return section;
  }

  /** Byte offset from the start of the file. */
  public long offset() {
    return offset;
  }

  /** What is wrong, without the file and position. */
  public String detail() {
    return detail;
  }
}
