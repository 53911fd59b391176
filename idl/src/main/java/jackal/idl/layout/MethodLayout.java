package jackal.idl.layout;

import jackal.idl.model.MethodDef;

/**
 * Where a method's arguments and results travel on a 64-bit target.
 *
 * <ul>
 *   <li>Request: word 1 holds the method code; in scalars follow from word 2 (one word each,
 *       structs field by field, arrays element by element); in capabilities take send slots 1..3
 *       (slot 0 is the reply endpoint, Null for a oneway method); an in sequence or string puts its
 *       capacity, length and address in three words and its bytes in the send string.
 *   <li>Reply: out parameters, then the return value last, in words from 1 and receive capability
 *       slots from 0; an out sequence or string the same way as a request's.
 *   <li>Either way, the parameters from the first one that does not fit the data words (words up to
 *       7) on travel in the indirect string, before the sequence's bytes (see {@link WireLayout}).
 *   <li>Exceptional reply: EX set, the 64-bit exception code in word 1 (see {@link
 *       ExceptionLayout}).
 * </ul>
 *
 * @param method the method
 * @param request what the caller sends
 * @param reply what a normal reply carries (empty for a oneway method)
 */
public record MethodLayout(MethodDef method, Message request, Message reply) {
  /** The request's last data word (ICW {@code ldw}); at least 1, the opcode. */
  public int requestLastWord() {
    return request.lastWord();
  }

  /** The number of capability arguments (ICW {@code lsc}: they occupy send slots 1..lsc). */
  public int requestCapCount() {
    return request.capCount();
  }

  /** The reply's last data word. */
  public int replyLastWord() {
    return reply.lastWord();
  }

  /** The number of capability results (receive slots 0..n-1; ICW {@code lrc} is n-1). */
  public int replyCapCount() {
    return reply.capCount();
  }

  /** False for a oneway method: the caller does not wait and nothing comes back. */
  public boolean expectsReply() {
    return !method.isOneway();
  }
}
