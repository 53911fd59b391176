package jackal.idl.layout;

import jackal.idl.model.Param;
import java.util.List;
import java.util.Optional;

/**
 * One direction of an invocation: its data words in order, its capabilities in slot order and its
 * indirect string, if any.
 */
public record Message(List<WordSlot> words, List<CapSlot> caps, Optional<StringSlot> string) {
  public Message {
    words = List.copyOf(words);
    caps = List.copyOf(caps);
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

  /** A one-line summary, e.g. {@code w1=opcode w2=slot caps[1=c] string=msg}. */
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
    string.ifPresent(
        s -> sb.append(sb.isEmpty() ? "" : " ").append("string=").append(s.describe()));
    return sb.toString();
  }
}
