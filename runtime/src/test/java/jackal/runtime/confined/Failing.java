package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.idl.coyotos.KernLogClient;

/** Loaded programs that fail, each its own way. */
public final class Failing {
  private Failing() {}

  /** Throws out of its entry. */
  public static final class Thrower implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      throw new IllegalStateException("thrown by the program");
    }
  }

  /** Recurses until its stack overflows. */
  public static final class Recurser implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      depth(0);
    }

    @SuppressWarnings("InfiniteRecursion") // the point of this program
    private static long depth(long n) {
      return depth(n + 1) + 1;
    }
  }

  /**
   * Counts its runs in the word at address 0 of its space (which outlives its Java stack): the
   * first run throws, the second logs its run number and returns.
   */
  public static final class FailsOnce implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      long runs = sys.loadLong(0) + 1;
      sys.storeLong(0, runs);
      if (runs == 1) {
        throw new IllegalStateException("first run fails");
      }
      new KernLogClient(new Ipc(sys))
          .stringArea(8, 256)
          .log(CapLoc.reg(20), ("run " + runs).getBytes(UTF_8));
    }
  }

  /** Returns at once. */
  public static final class Returns implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {}
  }

  /**
   * Logs that it runs, then replaces its own program with the one in the space in register 21,
   * whose image header is where every program space built by the boot API has it.
   */
  public static final class Replacer implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      new KernLogClient(new Ipc(sys))
          .stringArea(8, 256)
          .log(CapLoc.reg(20), "replacer runs".getBytes(UTF_8));
      long pc = 1L << 32;
      new jackal.runtime.idl.coyotos.ProcessClient(new Ipc(sys))
          .setSpaceAndPC(CapLoc.reg(jackal.runtime.CapReg.SELF), CapLoc.reg(21), pc);
      new KernLogClient(new Ipc(sys))
          .stringArea(8, 256)
          .log(CapLoc.reg(20), "still the replacer".getBytes(UTF_8));
    }
  }

  /** Logs that it runs. */
  public static final class Replacement implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      new KernLogClient(new Ipc(sys))
          .stringArea(8, 256)
          .log(CapLoc.reg(20), "replacement runs".getBytes(UTF_8));
    }
  }
}
