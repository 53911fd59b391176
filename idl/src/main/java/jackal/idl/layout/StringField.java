package jackal.idl.layout;

import jackal.idl.model.Param;
import jackal.idl.model.Type;
import java.util.List;

/**
 * A leaf of a message that travels in the message's indirect string because the data words were
 * full when its parameter came (Coyotos's {@code _indirect} rule; see {@link WireLayout}).
 *
 * @param offset where it starts, in bytes from the start of the string
 * @param size how many bytes it takes (little-endian)
 * @param param the parameter carried
 * @param path from the parameter to the leaf
 * @param type the leaf's scalar type for {@link WordSlot.Role#VALUE}; for the header roles of a
 *     sequence, the sequence or string type
 * @param role {@link WordSlot.Role#VALUE}, or one of the three header roles of a sequence whose
 *     header did not fit the data words (each then takes 8 bytes)
 */
public record StringField(
    int offset, int size, Param param, List<Step> path, Type type, WordSlot.Role role) {
  public StringField {
    path = List.copyOf(path);
  }

  /** The path as text, rooted at the parameter's name, with the header role as a suffix. */
  public String describe() {
    String r =
        switch (role) {
          case STRING_MAX -> ".max";
          case STRING_LENGTH -> ".len";
          case STRING_ADDRESS -> ".ptr";
          default -> "";
        };
    return Step.render(param.name(), path) + r;
  }
}
