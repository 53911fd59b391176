package jackal.services.bank;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.PrimeBank;
import jackal.services.idl.coyotos.RangeClient;
import jackal.services.idl.coyotos.SpaceBankClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A kernel with the prime bank built into it (the bank loaded as a program from pages, as {@link
 * PrimeBank} builds it for every image) and client processes that run a test's scenario with the
 * prime bank in SPACEBANK, Range in {@link #RANGE}. A failure inside a client is rethrown by {@link
 * #run}.
 */
final class BankSystem implements AutoCloseable {
  static final int RANGE = 20;
  static final int DISCRIM = 21;

  Kernel k;
  final PrimeBank prime;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  /** What a client sees: its calls and the clients of the bank and Range on its own Ipc. */
  static final class Client {
    final SystemCalls sys;
    final Ipc ipc;
    final SpaceBankClient bank;
    final RangeClient range;

    Client(SystemCalls sys) {
      this.sys = sys;
      this.ipc = new Ipc(sys);
      this.bank = new SpaceBankClient(new Ipc(sys));
      this.range = new RangeClient(new Ipc(sys));
    }
  }

  @FunctionalInterface
  interface Scenario {
    void run(Client c) throws Exception;
  }

  BankSystem() {
    this(1L << 20);
  }

  BankSystem(long oidsPerType) {
    KernelConfig cfg =
        new KernelConfig(
            2,
            2,
            "wide",
            oidsPerType,
            50,
            500,
            new PrintStream(console, true, StandardCharsets.UTF_8));
    k = Kernel.create(cfg);
    prime = PrimeBank.build(k, RuntimeLibrary.segment(k));
  }

  /** A client process running {@code scenario}, with the prime bank and Range. */
  ObjectRef client(String name, Scenario scenario, AtomicReference<Throwable> failure) {
    ObjectRef p =
        k.newProcess(
            name,
            sys -> {
              try {
                scenario.run(new Client(sys));
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              }
            });
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    k.setAddressSpace(p, k.cap(k.newPage()));
    prime.give(p);
    k.setCapReg(p, RANGE, k.kernelCap(KernelService.RANGE));
    k.setCapReg(p, DISCRIM, k.kernelCap(KernelService.DISCRIM));
    return p;
  }

  /** Boots the bank and one client running {@code scenario}; rethrows what failed in it. */
  void run(Scenario scenario) throws Exception {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ObjectRef c = client("client", scenario, failure);
    start(c);
    rethrow(failure);
    assertThat(k.inspect(c).exited()).as("the scenario ran to its end").isTrue();
  }

  void start(ObjectRef... clients) throws InterruptedException {
    k.start(prime.process());
    for (ObjectRef c : clients) {
      k.start(c);
    }
    k = k.boot();
    assertThat(k.awaitQuiescent(Duration.ofSeconds(60)))
        .as("the system settles (console: %s)", console())
        .isTrue();
  }

  static void rethrow(AtomicReference<Throwable> failure) throws Exception {
    Throwable t = failure.get();
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
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
