package jackal.idl.layout;

import jackal.idl.model.Param;
import jackal.idl.model.Type;
import java.util.List;

/**
 * A capability of a message.
 *
 * @param slot the send-capability slot (request: 1..3; slot 0 is the reply endpoint) or the
 *     receive-capability slot (reply: 0..3)
 * @param param the parameter carried
 * @param path from the parameter to the capability
 * @param type the capability type (its interface is what the declaration claims)
 */
public record CapSlot(int slot, Param param, List<Step> path, Type.CapType type) {
  public CapSlot {
    path = List.copyOf(path);
  }

  /** The path as text, rooted at the parameter's name. */
  public String describe() {
    return Step.render(param.name(), path);
  }
}
