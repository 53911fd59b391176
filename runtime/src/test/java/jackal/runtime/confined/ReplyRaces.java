package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;
import jackal.runtime.idl.coyotos.RangeClient;

/**
 * Loaded programs that race a reply against the caller's return, for calls run in place (the server
 * on its caller's stack, where the caller's trap returns on a delivered reply without locking
 * itself again). Registers: KernLog in 20, the target of the rescind in 21, Range in 23.
 */
public final class ReplyRaces {
  private ReplyRaces() {}

  static void say(SystemCalls sys, String line) throws KernelException {
    new KernLogClient(new Ipc(sys)).stringArea(0, 256).log(CapLoc.reg(20), line.getBytes(UTF_8));
  }

  static void rescind21(SystemCalls sys) throws KernelException {
    new RangeClient(new Ipc(sys)).rescind(CapLoc.reg(23), CapLoc.reg(21));
  }

  /** Calls the server in APP0 once; says so if the call ever returns. */
  public static final class Caller implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      Ipc ipc = new Ipc(sys);
      ipc.call(CapLoc.reg(CapReg.APP0), 0, 0, -1);
      say(sys, "caller resumed with " + ipc.w[1]);
    }
  }

  /**
   * Replies to its caller (a send with no receive phase, so it keeps running on the caller's
   * stack), then destroys the caller through the Range capability, then waits.
   */
  public static final class RepliesThenDestroysCaller implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      ipc.w[1] = 42;
      ipc.send(CapLoc.reg(CapReg.RETURN), 1, -1, true);
      rescind21(sys);
      say(sys, "attacker destroyed its caller");
      ipc.receive();
    }
  }

  /** Rescinds its caller's reply endpoint, then replies to it (into nothing), then waits. */
  public static final class RescindsReplyEndpointThenReplies implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      rescind21(sys);
      ipc.w[1] = 42;
      ipc.send(CapLoc.reg(CapReg.RETURN), 1, -1, true);
      say(sys, "attacker replied");
      ipc.receive();
    }
  }
}
