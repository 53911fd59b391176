package jackal.idl.layout;

import jackal.idl.model.ExceptionDef;
import java.util.List;

/**
 * An exceptional reply: EX set in the ICW, the exception code in word 1 and the exception's fields
 * (scalars only) from word 2.
 */
public record ExceptionLayout(ExceptionDef exception, List<WordSlot> words) {
  public ExceptionLayout {
    words = List.copyOf(words);
  }

  /** The last data word used (1 for an exception without fields). */
  public int lastWord() {
    return words.getLast().word();
  }
}
