package jackal.services.constructor;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Restr;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.MetaConstructor;
import jackal.services.boot.PrimeBank;
import jackal.services.idl.coyotos.BuilderClient;
import jackal.services.idl.coyotos.DiscrimClient;
import jackal.services.idl.coyotos.SpaceBankClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A kernel with the prime bank and the metaconstructor built into it (both loaded as programs from
 * pages), the {@link EchoYield} program in a weak program space, a process built by hand that runs
 * the same program, and a client process that runs a test's scenario. A failure inside the client
 * is rethrown by {@link #run}.
 */
final class ConstructorSystem implements AutoCloseable {
  /** The client's registers (besides the usual ones: SPACEBANK is the prime bank). */
  static final int METACON = 20;

  static final int CONSTRUCTOR_VERIFIER = 21;
  static final int DISCRIM = 22;
  static final int SCHED = 23;
  static final int ECHO_SPACE = 19;
  static final int WRITABLE_PAGE = 18;
  static final int HAND_BUILT = 17;
  static final int SPACE_YIELD_SPACE = 16;
  static final int TOOLS = CapReg.TOOLS;

  /** Registers the scenarios keep their capabilities in. */
  static final int A = CapReg.APP0;

  static final int B = CapReg.APP0 + 1;
  static final int C = CapReg.APP0 + 2;
  static final int D = CapReg.APP0 + 3;
  static final int E = CapReg.APP0 + 4;
  static final int F = CapReg.APP0 + 5;

  static final long PRIME = reg(CapReg.SPACEBANK);

  Kernel k;
  final PrimeBank prime;
  final MetaConstructor meta;
  final long echoPc;

  private final ProgramSpace echo;
  private final ProgramSpace spaceHandler;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  /** What a client sees: its calls and the generated clients, each on its own Ipc. */
  static final class Client {
    final SystemCalls sys;
    final Ipc ipc;
    final SpaceBankClient bank;
    final BuilderClient con;
    final DiscrimClient discrim;
    final long echoPc;
    final long spacePc;

    Client(SystemCalls sys, long echoPc, long spacePc) {
      this.sys = sys;
      this.ipc = new Ipc(sys);
      this.bank = new SpaceBankClient(new Ipc(sys));
      this.con = new BuilderClient(new Ipc(sys));
      this.discrim = new DiscrimClient(new Ipc(sys));
      this.echoPc = echoPc;
      this.spacePc = spacePc;
    }

    /** A fresh child of the prime bank in register {@code r}. */
    void newBank(int r) throws KernelException {
      bank.createChild(PRIME, reg(r));
    }

    /** A Builder from the metaconstructor, on a fresh bank, in register {@code into}. */
    void newBuilder(int into) throws KernelException {
      newBank(into);
      con.create(reg(METACON), reg(into), reg(SCHED), reg(CapReg.NULL), reg(into));
    }

    /** A sealed constructor of the echo program (confined), in {@code into}; uses {@code work}. */
    void echoConstructor(int into, int work) throws KernelException {
      newBuilder(work);
      con.setSpace(reg(work), reg(ECHO_SPACE));
      con.setPC(reg(work), echoPc);
      con.seal(reg(work), reg(into));
    }

    /** A sealed constructor of {@link SpaceYield} handing out the echo space, in {@code into}. */
    void spaceYieldConstructor(int into, int work) throws KernelException {
      newBuilder(work);
      con.setSpace(reg(work), reg(SPACE_YIELD_SPACE));
      con.setPC(reg(work), spacePc);
      con.setTool(reg(work), SpaceYield.SPACE_TOOL, reg(ECHO_SPACE));
      con.seal(reg(work), reg(into));
    }

    /** Calls the echo process at {@code r} with {@code v}; its answer. */
    long echo(int r, long v) throws KernelException {
      ipc.w[1] = v;
      ipc.callOrThrow(reg(r), 1, 0, -1);
      return ipc.w[1];
    }
  }

  @FunctionalInterface
  interface Scenario {
    void run(Client c) throws Exception;
  }

  ConstructorSystem() throws Exception {
    KernelConfig cfg =
        new KernelConfig(
            2,
            2,
            "wide",
            1L << 16,
            50,
            500,
            new PrintStream(console, true, StandardCharsets.UTF_8));
    k = Kernel.create(cfg);
    CodeSegment runtime = RuntimeLibrary.segment(k);
    prime = PrimeBank.build(k, runtime);
    meta = MetaConstructor.build(k, runtime, prime);
    CodeSegment tests =
        k.newCodeSegment(ClassFiles.jar(ClassFiles.of(EchoYield.class, SpaceYield.class)));
    echo = k.newProgramSpace(EchoYield.class.getName(), 0, tests, meta.code(), runtime);
    echoPc = echo.pc();
    spaceHandler = k.newProgramSpace(SpaceYield.class.getName(), 0, tests, meta.code(), runtime);
  }

  /** The echo program's space, weak (as a confined constructor must hold it). */
  private void giveEchoSpace(ObjectRef p) {
    k.setCapReg(p, ECHO_SPACE, k.restricted(echo.space(), Restr.WEAK));
  }

  private record HandBuilt(ObjectRef process, ObjectRef endpoint) {}

  /** A process running the echo program, built by hand (no constructor), and its endpoint. */
  private HandBuilt handBuiltEcho() {
    ObjectRef p = k.newProcess("hand-built echo");
    k.setSpaceAndPC(p, k.restricted(echo.space(), Restr.WEAK), echo.pc());
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, p);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    k.setCapReg(p, CapReg.INITEPT, k.cap(ep));
    k.setCapReg(p, CapReg.TOOLS, meta.tools());
    prime.give(p);
    return new HandBuilt(p, ep);
  }

  /** Boots the services, a hand-built echo and a client running {@code scenario}. */
  void run(Scenario scenario) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ObjectRef c =
        k.newProcess(
            "client",
            sys -> {
              try {
                scenario.run(new Client(sys, echoPc, spaceHandler.pc()));
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              }
            });
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, c);
    k.setPayloadMatch(replyEp);
    k.setCapReg(c, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(c, CapReg.SELF, k.cap(c));
    k.setAddressSpace(c, k.cap(k.newPage()));
    prime.give(c);
    k.setCapReg(c, TOOLS, meta.tools());
    k.setCapReg(c, METACON, meta.entry());
    k.setCapReg(c, CONSTRUCTOR_VERIFIER, meta.verifier());
    k.setCapReg(c, DISCRIM, k.kernelCap(KernelService.DISCRIM));
    k.setCapReg(c, SCHED, k.kernelCap(KernelService.SCHEDULE));
    k.setCapReg(c, WRITABLE_PAGE, k.cap(k.newPage()));
    giveEchoSpace(c);
    k.setCapReg(c, SPACE_YIELD_SPACE, k.restricted(spaceHandler.space(), Restr.WEAK));
    HandBuilt hand = handBuiltEcho();
    k.setCapReg(c, HAND_BUILT, k.entry(hand.endpoint(), 0));
    k.start(prime.process());
    k.start(meta.process());
    k.start(hand.process());
    k.start(c);
    k = k.boot();
    assertThat(k.awaitQuiescent(Duration.ofSeconds(60)))
        .as("the system settles (console: %s)", console())
        .isTrue();
    Throwable t = failure.get();
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    assertThat(k.inspect(c).exited()).as("the scenario ran to its end").isTrue();
  }

  String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  static long reg(int r) {
    return CapLoc.reg(r);
  }

  @Override
  public void close() {
    k.close();
  }
}
