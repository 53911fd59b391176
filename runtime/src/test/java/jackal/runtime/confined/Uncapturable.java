package jackal.runtime.confined;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;

/**
 * A program the loader cannot make capturable: a constructor makes a system call (through {@link
 * #fetch}), and a process parked there could never be captured. Refused at load, with the reason.
 */
public final class Uncapturable implements ProgramEntry {
  private final long first;

  public Uncapturable() {
    this.first = 0;
  }

  Uncapturable(Ipc ipc) {
    this.first = fetch(ipc);
  }

  static long fetch(Ipc ipc) {
    ipc.yieldCpu();
    return 7;
  }

  @Override
  public void run(SystemCalls sys) {
    if (new Uncapturable(new Ipc(sys)).first != 7 + first) {
      throw new IllegalStateException();
    }
  }
}
