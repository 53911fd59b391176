package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * A program whose class {@link Table} makes a system call from its static initializer (a KernLog
 * line, answered at once: a wait there would be refused, the continuation being pinned), first used
 * between two loops of Yields. On a kernel that persists it loads, and a capture asked for while
 * the initializer runs is taken at the first point after it.
 */
public final class CallsInClassInit implements ProgramEntry {
  /** Handed to the initializer (a program's statics are its own process's). */
  static SystemCalls sys;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    CallsInClassInit.sys = sys;
    Ipc ipc = new Ipc(sys);
    long acc = 5;
    for (int i = 0; i < 4; i++) {
      acc = acc * 31 + i;
      ipc.yieldCpu();
    }
    acc ^= Table.salt;
    for (int i = 0; i < 4; i++) {
      acc = acc * 31 + i;
      ipc.yieldCpu();
    }
    log(ipc, "class-init-call: acc=" + acc + " init=" + Table.runs);
  }

  static void log(Ipc ipc, String line) throws KernelException {
    new KernLogClient(ipc).stringArea(0, 256).log(CapLoc.reg(20), line.getBytes(UTF_8));
  }

  static final class Table {
    private Table() {}

    /** How many times the initializer ran in this process: 1, even after a resume. */
    static int runs;

    static long salt;

    static {
      runs++;
      try {
        log(new Ipc(sys), "class-init-call: table");
        salt = 0x5a5a;
      } catch (KernelException e) {
        salt = -1;
      }
    }
  }
}
