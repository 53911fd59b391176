package jackal.kernel.sched;

/**
 * The lead padding of a {@link CallTicket}: a filler in the gap after the object header, then 64
 * bytes of fields nothing reads or writes, so that the ticket's references share no line with the
 * object allocated before it.
 */
abstract class CallTicketPad {
  @SuppressWarnings("unused") // fills the gap after the header (see the class comment)
  private int filler;

  @SuppressWarnings("unused") // only its place in the object matters
  private long lead0;

  @SuppressWarnings("unused") // only its place in the object matters
  private long lead1;

  @SuppressWarnings("unused") // only its place in the object matters
  private long lead2;

  @SuppressWarnings("unused") // only its place in the object matters
  private long lead3;

  @SuppressWarnings("unused") // only its place in the object matters
  private long lead4;

  @SuppressWarnings("unused") // only its place in the object matters
  private long lead5;

  @SuppressWarnings("unused") // only its place in the object matters
  private long lead6;

  @SuppressWarnings("unused") // only its place in the object matters
  private long lead7;
}
