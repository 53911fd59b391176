package jackal.kernel.sched;

/**
 * The first of the three classes {@link Cpu} extends to lay out its inbox line ({@link CpuInbox}):
 * the CPU's ready queue, a reference nobody writes after construction, in the gap after the object
 * header, and 64 bytes of fields nothing reads or writes.
 *
 * <p>The queue is read here by every CPU looking for work to steal, at each of its switches that
 * finds nothing of its own, so it must not share a line with anything written: in the inbox line,
 * each of those looks fetched the line the queue's CPU had just written as it left its idle loop.
 */
abstract class CpuLeadPad {
  final ReadyQueue queue;

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

  CpuLeadPad(ReadyQueue queue) {
    this.queue = queue;
  }
}
