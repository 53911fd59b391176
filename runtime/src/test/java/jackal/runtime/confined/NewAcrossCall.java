package jackal.runtime.confined;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;

/**
 * {@code new Holder(fetch(ipc))} where {@code fetch} makes a system call: the loader makes the
 * Holder after its argument, so the program is capturable and runs as written.
 */
public final class NewAcrossCall implements ProgramEntry {
  static final class Holder {
    final long value;

    Holder(long value) {
      this.value = value;
    }
  }

  static long fetch(Ipc ipc) {
    ipc.yieldCpu();
    return 7;
  }

  @Override
  public void run(SystemCalls sys) {
    Holder h = new Holder(fetch(new Ipc(sys)));
    if (h.value != 7) {
      throw new IllegalStateException("the holder holds " + h.value);
    }
  }
}
