package jackal.idl.layout;

import jackal.idl.model.Param;
import jackal.idl.model.Type;
import java.util.List;

/**
 * One 64-bit data word of a message.
 *
 * @param word the parameter-word index (1..7)
 * @param param the parameter carried, or null for the opcode, an exception code and exception
 *     fields
 * @param path from the parameter (or the exception) to the leaf carried
 * @param type the leaf's type: a scalar for {@link Role#VALUE}; for the string header roles, the
 *     sequence or string type
 * @param role what the word holds
 */
public record WordSlot(int word, Param param, List<Step> path, Type type, Role role) {
  public WordSlot {
    path = List.copyOf(path);
  }

  /** What a data word holds. */
  public enum Role {
    /** The method code (request word 1). */
    OPCODE,
    /** The exception code (word 1 of an exceptional reply). */
    EXCEPTION_CODE,
    /** A scalar value, zero- or sign-extended to 64 bits. */
    VALUE,
    /** A sequence's or string's capacity, in elements. */
    STRING_MAX,
    /** A sequence's or string's length, in elements. */
    STRING_LENGTH,
    /** The address of a sequence's or string's bytes in the sender's space. */
    STRING_ADDRESS
  }

  /** The path as text, rooted at the parameter's name (or {@code opcode}, {@code code}). */
  public String describe() {
    String root =
        param != null
            ? param.name()
            : switch (role) {
              case OPCODE -> "opcode";
              case EXCEPTION_CODE -> "code";
              default -> "";
            };
    String r =
        switch (role) {
          case STRING_MAX -> ".max";
          case STRING_LENGTH -> ".len";
          case STRING_ADDRESS -> ".ptr";
          default -> "";
        };
    String s = Step.render(root, path) + r;
    return s.startsWith(".") ? s.substring(1) : s;
  }
}
