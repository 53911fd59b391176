package jackal.kernel.sched;

import jackal.kernel.api.ParameterBlock;
import jackal.kernel.obj.Process;

/**
 * What a caller that waits on its own CPU hands another CPU for its call (docs/DESIGN-NOTES.md,
 * "What a cross-CPU call cannot avoid"): the process, its block and the block's words, in an object
 * nobody writes after it is made, padded so that its line is shared with nothing written. The
 * recipient's CPU finds it in its inbox and from it reads the caller's process, block and words all
 * at once, rather than the process first (whose line the caller has just written) and the rest
 * after it. One per process, made at its first such call and again only if its block changes.
 */
public final class CallTicket extends CallTicketPad {
  /** The process whose call this is. */
  public final Process process;

  /** The block the call was made with. */
  public final ParameterBlock block;

  /** {@code block.w}, read beside the block rather than after it. */
  final long[] words;

  @SuppressWarnings("unused") // only its place in the object matters
  private long tail0;

  @SuppressWarnings("unused") // only its place in the object matters
  private long tail1;

  @SuppressWarnings("unused") // only its place in the object matters
  private long tail2;

  @SuppressWarnings("unused") // only its place in the object matters
  private long tail3;

  @SuppressWarnings("unused") // only its place in the object matters
  private long tail4;

  @SuppressWarnings("unused") // only its place in the object matters
  private long tail5;

  @SuppressWarnings("unused") // only its place in the object matters
  private long tail6;

  @SuppressWarnings("unused") // only its place in the object matters
  private long tail7;

  public CallTicket(Process process, ParameterBlock block) {
    this.process = process;
    this.block = block;
    this.words = block.w;
  }
}
