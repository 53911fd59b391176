package jackal.idl.layout;

import jackal.idl.model.Param;
import java.util.List;
import java.util.Optional;

/**
 * One direction of an invocation: its data words in order, its capabilities in slot order, and what
 * travels in its indirect string: the leaves that did not fit the data words ({@code stringFields},
 * at their byte offsets from the start of the string, {@code spillBytes} in all), then the bytes of
 * its sequence or string, if any, from {@link #dataOffset}.
 *
 * @param words the data words, in order
 * @param caps the capabilities, in slot order
 * @param string the sequence or string whose bytes travel in the string
 * @param stringFields the leaves laid into the string because the data words were full
 * @param spillBytes the bytes {@code stringFields} take (0 if none)
 */
public record Message(
    List<WordSlot> words,
    List<CapSlot> caps,
    Optional<StringSlot> string,
    List<StringField> stringFields,
    int spillBytes) {
  public Message {
    words = List.copyOf(words);
    caps = List.copyOf(caps);
    stringFields = List.copyOf(stringFields);
  }

  /** A message whose data all fit the data words. */
  public Message(List<WordSlot> words, List<CapSlot> caps, Optional<StringSlot> string) {
    this(words, caps, string, List.of(), 0);
  }

  /** True if the message carries an indirect string: a sequence, or leaves that did not fit. */
  public boolean hasString() {
    return string.isPresent() || spillBytes > 0;
  }

  /**
   * Where the sequence's bytes start in the string: after the leaves that did not fit, at the next
   * 8-byte boundary; 0 when every leaf fit. Without a sequence, the string is exactly {@link
   * #spillBytes} long.
   */
  public int dataOffset() {
    return string.isPresent() ? (spillBytes + 7) / 8 * 8 : spillBytes;
  }

  /** The longest string the message can carry in bytes, or -1 if its sequence is unbounded. */
  public long maxStringBytes() {
    if (string.isEmpty()) {
      return spillBytes;
    }
    long seq = string.get().maxBytes();
    return seq < 0 ? -1 : dataOffset() + seq;
  }

  /** The last data word used (the ICW's {@code ldw}); 0 if none. */
  public int lastWord() {
    return words.isEmpty() ? 0 : words.getLast().word();
  }

  /** The number of capabilities carried. */
  public int capCount() {
    return caps.size();
  }

  /** The words carrying {@code p}, in order. */
  public List<WordSlot> wordsOf(Param p) {
    return words.stream().filter(w -> p.equals(w.param())).toList();
  }

  /** The capabilities carried by {@code p}, in order. */
  public List<CapSlot> capsOf(Param p) {
    return caps.stream().filter(c -> p.equals(c.param())).toList();
  }

  /**
   * A one-line summary, e.g. {@code w1=opcode w2=slot c1=c string=msg}; a leaf in the string at
   * byte offset 8 is {@code s8=name}, and a sequence whose bytes start at offset 24 {@code
   * string=name@24}.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (WordSlot w : words) {
      sb.append(sb.isEmpty() ? "" : " ")
          .append('w')
          .append(w.word())
          .append('=')
          .append(w.describe());
    }
    for (CapSlot c : caps) {
      sb.append(sb.isEmpty() ? "" : " ")
          .append('c')
          .append(c.slot())
          .append('=')
          .append(c.describe());
    }
    for (StringField f : stringFields) {
      sb.append(sb.isEmpty() ? "" : " ")
          .append("s")
          .append(f.offset())
          .append('=')
          .append(f.describe());
    }
    string.ifPresent(
        s ->
            sb.append(sb.isEmpty() ? "" : " ")
                .append("string=")
                .append(s.describe())
                .append(dataOffset() == 0 ? "" : "@" + dataOffset()));
    return sb.toString();
  }
}
