package jackal.runtime.confined;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;

/** Loaded programs that end up stuck, each its own way, for the quiescence report. */
public final class Stuck {
  private Stuck() {}

  /** Calls the capability in register 8 and waits for an answer that never comes. */
  public static final class CallsForever implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      new Ipc(sys).call(CapLoc.reg(8), 1, 0, -1);
    }
  }

  /** Reads an address its space does not map, with no handler to fix it. */
  public static final class TouchesUnmapped implements ProgramEntry {
    /** The address it reads: beyond the program space's one data page. */
    public static final long ADDRESS = 0x10000;

    @Override
    public void run(SystemCalls sys) {
      sys.loadByte(ADDRESS);
    }
  }

  /** Gives up its CPU again and again: always ready, never done. */
  public static final class YieldsForever implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      for (; ; ) {
        ipc.yieldCpu();
      }
    }
  }
}
