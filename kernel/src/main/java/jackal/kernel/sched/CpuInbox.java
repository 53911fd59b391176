package jackal.kernel.sched;

/**
 * The line of a {@link Cpu} that other CPUs hand it work through: its number, its node, its inbox,
 * and whether it is idle, between 64 bytes of padding on each side ({@link CpuLeadPad}, {@link
 * CpuTailPad}).
 *
 * <p>A CPU that wakes a process onto an idle one writes {@link #slot}, and the idle CPU spins on
 * that line alone; a CPU looking for an idle peer reads {@link #idle} there. The line holds nothing
 * else, so no CPU waits for a line another writes for its own purposes. Before this layout the
 * inbox was an array referred to from the CPU's last line, next to the fields its thread writes at
 * every dispatch (the process it runs, the process donated to it), so each hand-over first fetched
 * that line from the other CPU and only then the inbox's (docs/DESIGN-NOTES.md, "A cross-CPU wake
 * moves one line").
 *
 * <p>The fields take 24 bytes, a multiple of 8 (two fillers make it so), so that the tail padding's
 * longs follow them with no gap a subclass field could fill.
 */
abstract class CpuInbox extends CpuLeadPad {
  public final int id;

  /** The node of close CPUs this CPU is in (set with the scheduler's topology, before start). */
  int node;

  /**
   * Null while this CPU is busy, {@link Cpu#WAITING} while it is in its idle loop, and a process
   * (READY) that another CPU handed it ({@link Cpu#offer}), which this CPU runs next. Only this
   * CPU's thread writes null or WAITING; other CPUs only replace WAITING with a process, by
   * compare-and-set, so the owner clears a process it took with a plain store.
   */
  @SuppressWarnings("unused") // through SLOT
  volatile Object slot;

  /** {@link Cpu#WAITING} while this CPU is parked, else null. */
  @SuppressWarnings("unused") // through PARKED
  volatile Object parked;

  /** In the idle loop (spinning or parked): work offered to this node will be found here. */
  volatile boolean idle;

  /**
   * The parameter words of the call handed over with the process in {@link #slot} ({@link
   * jackal.kernel.obj.Process#shipWords}), or null: a hint, written by the handing CPU before its
   * compare-and-set on the slot and read with it, so that the taker starts fetching the words'
   * lines together with the process's instead of after them ({@link Cpu#offer(Process, long[])}).
   * It may be stale (a hand-over that lost the race wrote it too); it is only ever read.
   */
  long[] handedWords;

  @SuppressWarnings("unused") // fills the line's last bytes (see the class comment)
  private short filler1;

  @SuppressWarnings("unused") // fills the line's last bytes (see the class comment)
  private byte filler2;

  CpuInbox(int id, int node, ReadyQueue queue) {
    super(queue);
    this.id = id;
    this.node = node;
  }
}
