package jackal.runtime.confined;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import java.util.ArrayList;
import java.util.List;

/**
 * Hoarders whose memory is taken in the middle of same-CPU calls, where the server runs in place on
 * its client's stack and the two share the CPU thread's allocation counter: each keeps {@link #KIB}
 * KiB more per call, without end. The heap guard must fault the hoarder, never its honest partner.
 */
public final class HoardsAcrossCalls {
  private HoardsAcrossCalls() {}

  /**
   * Memory kept per call, in KiB. A hoarding server gets only its honest client's {@code
   * HonestClient.CALLS} calls (1 000), so those must keep well over the guard's threshold (half the
   * small-heap suite's 384 MiB) between collections: at 256 KiB (250 MiB in all) the last young
   * collection before the calls ended sometimes left the live heap just under it, and the guard
   * never looked (1 run in about 8, seventeenth session). At 384 KiB the heap passes the threshold
   * by the second young collection, about half-way.
   */
  public static final int KIB = 384;

  /** A server answering as {@link HonestServer} does, keeping memory as it serves each call. */
  public static final class Server implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      List<byte[]> kept = new ArrayList<>();
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      for (; ; ) {
        kept.add(new byte[KIB << 10]);
        ipc.w[1] = ipc.w[2] + 1;
        ipc.replyAndReceive(1, -1);
      }
    }
  }

  /** A client calling the server in APP0 without end, keeping memory between its calls. */
  public static final class Client implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      List<byte[]> kept = new ArrayList<>();
      Ipc ipc = new Ipc(sys);
      for (long n = 0; ; n++) {
        kept.add(new byte[KIB << 10]);
        ipc.w[1] = 1;
        ipc.w[2] = n;
        ipc.call(CapLoc.reg(CapReg.APP0), 2, 0, -1);
      }
    }
  }

  /**
   * A server that never answers: on its first request it keeps 64 KiB after 64 KiB without another
   * system call, with some computing between (so that the guard, which looks every 2 ms, can win
   * the race against the JVM's own limit). Run in place, its whole run is one stretch of the CPU's.
   */
  public static final class ServerThatHoardsInsteadOfAnswering implements ProgramEntry {
    private long sink;

    @Override
    public void run(SystemCalls sys) {
      List<byte[]> kept = new ArrayList<>();
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      for (long n = 0; ; n++) {
        kept.add(new byte[1 << 16]);
        for (int i = 0; i < 20_000; i++) {
          sink += i ^ n;
        }
      }
    }
  }
}
