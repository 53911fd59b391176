package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;

/** Two entries of one jar that only say which of them ran: an image's header picks one. */
public final class Greeting {
  private Greeting() {}

  static void say(SystemCalls sys, String what) throws KernelException {
    new KernLogClient(new Ipc(sys))
        .stringArea(0, 256)
        .log(CapLoc.reg(20), ("greeting: " + what).getBytes(UTF_8));
  }

  /** Says "first". */
  public static final class First implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      say(sys, "first");
    }
  }

  /** Says "second". */
  public static final class Second implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws KernelException {
      say(sys, "second");
    }
  }
}
