package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.PrimeBank;
import jackal.services.idl.coyotos.SpaceBankClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A page allocation through the space bank against one IPC round trip, measured in the same run on
 * one CPU (labels {@code bank.alloc} and {@code bank.roundtrip}; their quotient is {@code
 * bank.alloc.ratio}, goal: under 3).
 *
 * <ul>
 *   <li>{@link #alloc}: {@code SpaceBank.alloc(otPage, otInvalid, otInvalid)} through the generated
 *       client on a child of the prime bank, served by the bank program loaded from pages ({@link
 *       PrimeBank}): a call to the bank, the bank's Range.getCap (a kernel capability), its
 *       bookkeeping, and the answer with the page capability.
 *   <li>{@link #roundtrip}: the echo call of {@code ipc.roundtrip.same-cpu} ({@link Ipc#call} to a
 *       server that answers {@code w[1] + 1}), in the same kernel.
 * </ul>
 *
 * <p>Each invocation has a long-lived client run a batch of {@link #BATCH} operations, as in {@link
 * KernelRig}: a one-shot kicker process starts it, the JMH thread waits with park/unpark. Before
 * each invocation of {@code alloc} the client destroys its bank and makes a fresh one (not timed),
 * so every batch allocates from the same state and the storage never runs out.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BankBenchmark extends LauncherFork {
  /** Operations per invocation. */
  public static final int BATCH = 5_000;

  /** The rig: one CPU, the bank, an echo server and the client. */
  @State(Scope.Benchmark)
  public static class Rig {
    enum Kind {
      ALLOC,
      ECHO,
      FRESH_BANK
    }

    static final int BANK_REG = CapReg.APP0;
    static final int PAGE_REG = CapReg.APP0 + 1;
    static final int ECHO_REG = CapReg.APP0 + 2;
    static final int GO_REG = CapReg.APP0;
    static final long GO_ID = 99;

    Kernel k;
    CapRef goEntry;
    volatile Kind kind;
    volatile int calls;
    volatile long completed;
    volatile String failure;
    volatile Thread waiter;
    long started;

    /** The kernel's settings: one CPU, no console. */
    KernelConfig config() {
      return KernelConfig.defaults()
          .withCpus(1)
          .withConsole(new PrintStream(OutputStream.nullOutputStream()));
    }

    @Setup(Level.Trial)
    public void boot() {
      k = Kernel.create(config());
      PrimeBank prime = PrimeBank.build(k, RuntimeLibrary.segment(k));
      ObjectRef echo = process("echo", BankBenchmark::echo);
      ObjectRef echoEp = k.newEndpoint();
      k.setRecipient(echoEp, echo);
      k.setEndpointId(echoEp, 42);
      ObjectRef client = process("bank-client", this::client);
      prime.give(client);
      k.setCapReg(client, ECHO_REG, k.entry(echoEp, 7));
      ObjectRef goEp = k.newEndpoint();
      k.setRecipient(goEp, client);
      k.setEndpointId(goEp, GO_ID);
      goEntry = k.entry(goEp, 0);
      k.start(prime.process());
      k.start(echo);
      k.start(client);
      k = k.boot();
      run(Kind.FRESH_BANK, 0);
    }

    private ObjectRef process(String name, jackal.kernel.api.ProgramEntry program) {
      ObjectRef p = k.newProcess(name, program);
      ObjectRef replyEp = k.newEndpoint();
      k.setRecipient(replyEp, p);
      k.setPayloadMatch(replyEp);
      k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
      return p;
    }

    @Setup(Level.Iteration)
    public void tenure() {
      System.gc();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      k.close();
    }

    /** The client: waits for a kick, runs the batch asked for, signals, and waits again. */
    private void client(SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      SpaceBankClient bank = new SpaceBankClient(new Ipc(sys));
      long prime = CapLoc.reg(CapReg.SPACEBANK);
      long mine = CapLoc.reg(BANK_REG);
      long page = CapLoc.reg(PAGE_REG);
      long nul = CapLoc.reg(CapReg.NULL);
      long echo = CapLoc.reg(ECHO_REG);
      int page0 = Codes.OT_PAGE;
      int none = (int) Codes.OT_INVALID;
      boolean haveBank = false;
      long done = 0;
      for (; ; ) {
        ipc.receive(true, GO_ID);
        int n = calls;
        try {
          switch (kind) {
            case ALLOC -> {
              for (int i = 0; i < n; i++) {
                bank.alloc(mine, page0, none, none, page, nul, nul);
              }
            }
            case ECHO -> {
              for (int i = 0; i < n; i++) {
                ipc.w[1] = i;
                if (!ipc.call(echo, 1, 0, -1) || ipc.w[1] != i + 1) {
                  failure = "echo call " + i + " failed";
                }
              }
            }
            case FRESH_BANK -> {
              if (haveBank) {
                bank.destroy(mine);
              }
              bank.createChild(prime, mine);
              haveBank = true;
            }
          }
        } catch (KernelException e) {
          failure = kind + ": " + e.getMessage();
        }
        completed = ++done;
        LockSupport.unpark(waiter);
      }
    }

    private static void kicker(SystemCalls sys) {
      new Ipc(sys).send(CapLoc.reg(GO_REG), 0, -1, false);
    }

    void run(Kind what, int n) {
      if (failure != null) {
        throw new IllegalStateException("the client failed: " + failure);
      }
      waiter = Thread.currentThread();
      kind = what;
      calls = n;
      long target = ++started;
      ObjectRef kicker = k.newProcess("kicker", Rig::kicker);
      k.setCapReg(kicker, GO_REG, goEntry);
      k.start(kicker);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (completed < target && failure == null) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("batch " + target + " did not finish within 60 s");
        }
      }
      if (failure != null) {
        throw new IllegalStateException("the client failed: " + failure);
      }
    }
  }

  /** Not timed: the client destroys its bank (and every page of the last batch) and makes anew. */
  @State(Scope.Thread)
  public static class FreshBank {
    @Setup(Level.Invocation)
    public void fresh(Rig r) {
      r.run(Rig.Kind.FRESH_BANK, 0);
    }
  }

  private static void echo(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (; ; ) {
      ipc.w[1] = ipc.w[1] + 1;
      ipc.replyAndReceive(1, -1);
    }
  }

  /** bank.alloc: one page from the bank, per allocation. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void alloc(Rig r, FreshBank fresh) {
    r.run(Rig.Kind.ALLOC, BATCH);
  }

  /** bank.roundtrip: one echo call and reply, per round trip. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void roundtrip(Rig r) {
    r.run(Rig.Kind.ECHO, BATCH);
  }
}
