package jackal.image.tour;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.BuilderClient;
import jackal.services.idl.coyotos.ConstructorClient;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.IoStreamClient;
import jackal.services.idl.coyotos.KernLogClient;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.SysCtlClient;
import jackal.services.stream.IoStreams;

/**
 * The tour's guide, a program loaded from pages like every process of the tour: it allocates from
 * its bank, has the metaconstructor build a confined echo service, sends bytes through a pipe,
 * watches a server vanish when its bank is destroyed, and halts the system. Each step is logged
 * through KernLog. The registers are set by {@code jackal/image/tour/tour.mki}.
 */
public final class Guide implements ProgramEntry {
  static final int KERNLOG = CapReg.APP0;
  static final int SYSCTL = CapReg.APP0 + 1;
  static final int METACONSTRUCTOR = CapReg.APP0 + 2;
  static final int ECHO_SPACE = CapReg.APP0 + 3;
  static final int ECHO_PC = CapReg.APP0 + 4;
  static final int PIPE_WRITE = CapReg.APP0 + 5;
  static final int PIPE_READ = CapReg.APP0 + 6;
  static final int DOOMED_ECHO = CapReg.APP0 + 7;
  static final int DOOMED_BANK = CapReg.APP0 + 8;
  private static final int PAGE = CapReg.APP0 + 9;
  private static final int BUILDER = CapReg.APP0 + 10;
  private static final int CONSTRUCTOR = CapReg.APP0 + 11;
  private static final int ECHO = CapReg.APP0 + 12;
  private static final int CHANNEL = CapReg.APP0 + 13;

  /** The loader makes one. */
  public Guide() {}

  private KernLogClient log;

  private void say(String s) throws KernelException {
    log.log(CapLoc.reg(KERNLOG), ("tour: " + s).getBytes(UTF_8));
  }

  private static long reg(int r) {
    return CapLoc.reg(r);
  }

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    log = new KernLogClient(new Ipc(sys)).stringArea(0, 256);
    say("1. hello: this guide is a program loaded from a jar into pages, verified by the kernel");

    SpaceBankClient bank = new SpaceBankClient(ipc);
    long none = reg(CapReg.NULL);
    bank.alloc(
        reg(CapReg.SPACEBANK),
        Codes.OT_PAGE,
        (int) Codes.OT_INVALID,
        (int) Codes.OT_INVALID,
        reg(PAGE),
        none,
        none);
    long pages = bank.getUsage(reg(CapReg.SPACEBANK)).byType()[Codes.OT_PAGE];
    say("2. a bank: allocated a page from my bank, which now holds " + pages + " page(s)");

    ConstructorClient cons = new ConstructorClient(ipc);
    cons.create(reg(METACONSTRUCTOR), reg(CapReg.SPACEBANK), none, none, reg(BUILDER));
    BuilderClient builder = new BuilderClient(ipc);
    builder.setSpace(reg(BUILDER), reg(ECHO_SPACE));
    builder.setPC(reg(BUILDER), new EndpointClient(ipc).getEndpointID(reg(ECHO_PC)));
    builder.seal(reg(BUILDER), reg(CONSTRUCTOR));
    boolean confined = cons.isYieldConfined(reg(CONSTRUCTOR));
    cons.create(reg(CONSTRUCTOR), reg(CapReg.SPACEBANK), none, none, reg(ECHO));
    say(
        "3. a constructor: built an echo service ("
            + (confined ? "confined" : "NOT confined")
            + "); echo(41) = "
            + echo(ipc, ECHO, 41));

    IoStreams pipe =
        new IoStreams(
            new IoStreamClient(new Ipc(sys)).stringArea(4096, IoStreams.BUF_LIMIT), CHANNEL);
    pipe.writeFully(reg(PIPE_WRITE), "bytes through a pipe".getBytes(UTF_8));
    say("4. a stream: read back '" + new String(pipe.read(reg(PIPE_READ), 64), UTF_8) + "'");

    long before = echo(ipc, DOOMED_ECHO, 1);
    bank.destroy(reg(DOOMED_BANK));
    String after;
    try {
      after = "answered " + echo(ipc, DOOMED_ECHO, 1);
    } catch (KernelException e) {
      after =
          "is gone ("
              + (e.code() == Codes.RC_UNKNOWN_REQUEST
                  ? "UnknownRequest, as a Null capability answers"
                  : e.code() == Codes.RC_INVALID_CAP
                      ? "InvalidCap"
                      : "0x" + Long.toHexString(e.code()))
              + ")";
    }
    say(
        "5. a revocation: a server on its own bank answered echo(1) = "
            + before
            + "; once the bank was destroyed it "
            + after);

    say("done; halting through SysCtl");
    new SysCtlClient(ipc).halt(reg(SYSCTL));
  }

  private static long echo(Ipc ipc, int server, long x) throws KernelException {
    ipc.w[1] = x;
    ipc.callOrThrow(reg(server), 1, -1, -1);
    return ipc.w[1];
  }
}
