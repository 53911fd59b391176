package jackal.idl.layout;

import jackal.idl.model.Param;
import jackal.idl.model.Type;
import java.util.List;

/**
 * The one indirect string of a message: a {@code sequence} or {@code string} whose bytes travel
 * through the send buffer ({@code sndPtr}/{@code sndLen}) and land in the receiver's buffer ({@code
 * rcvPtr}/{@code rcvBound}). Three data words carry its header: capacity, length and address, as
 * {@code KernLog.log} reads them.
 *
 * @param param the parameter carried
 * @param path from the parameter to the sequence
 * @param type the sequence or string type
 * @param element the element type ({@code char} for a string)
 * @param maxElements the bound, or -1 for an unbounded {@code string}
 * @param elementBytes the size of one element in the string
 * @param maxBytes {@code maxElements * elementBytes}, or -1 when unbounded: the receive bound a
 *     receiver must offer
 * @param maxWord the data word holding the capacity
 * @param lengthWord the data word holding the length
 * @param addressWord the data word holding the address
 */
public record StringSlot(
    Param param,
    List<Step> path,
    Type type,
    Type element,
    long maxElements,
    int elementBytes,
    long maxBytes,
    int maxWord,
    int lengthWord,
    int addressWord) {
  public StringSlot {
    path = List.copyOf(path);
  }

  /** The path as text, rooted at the parameter's name. */
  public String describe() {
    return Step.render(param.name(), path);
  }
}
