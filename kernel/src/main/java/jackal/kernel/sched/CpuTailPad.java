package jackal.kernel.sched;

/**
 * The last of the three classes {@link Cpu} extends to lay out its inbox line ({@link CpuInbox}):
 * 64 bytes of fields nothing reads or writes between that line and the CPU's own fields, which its
 * thread writes at every dispatch.
 */
@SuppressWarnings("unused") // only their place in the object matters
abstract class CpuTailPad extends CpuInbox {
  private long tail0;
  private long tail1;
  private long tail2;
  private long tail3;
  private long tail4;
  private long tail5;
  private long tail6;
  private long tail7;

  CpuTailPad(int id, int node, ReadyQueue queue) {
    super(id, node, queue);
  }
}
