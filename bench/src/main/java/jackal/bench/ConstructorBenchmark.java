package jackal.bench;

import jackal.bench.programs.AnswerYield;
import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Restr;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.MetaConstructor;
import jackal.services.boot.PrimeBank;
import jackal.services.constructor.Yield;
import jackal.services.idl.coyotos.BuilderClient;
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
 * A process built through a constructor and destroyed (label {@code constructor.create}; goal:
 * under 20 µs). One op, by a client on the only CPU of a kernel holding the prime bank and the
 * metaconstructor (both programs loaded from pages): {@code SpaceBank.createChild} on the prime
 * bank, {@code Constructor.create} on that bank (the constructor checks the bank, allocates the
 * process and its two endpoints, sets the process up and starts it), the new process loading its
 * program ({@link AnswerYield} and {@link Yield} in one small segment, over the runtime library
 * segment; verified once, before the run) and answering with an Entry capability to itself, then
 * {@code SpaceBank.destroy} of the bank, which destroys the process.
 *
 * <p>The constructor is sealed once per trial (not timed). As in {@link BankBenchmark}, each
 * invocation has a long-lived client run a batch of {@link #BATCH} operations, kicked by a one-shot
 * process, the JMH thread waiting with park/unpark.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ConstructorBenchmark extends LauncherFork {
  /** Operations per invocation. */
  public static final int BATCH = 200;

  /** The rig: one CPU, the bank, the metaconstructor and the client. */
  @State(Scope.Benchmark)
  public static class Rig {
    enum Kind {
      SEAL,
      CREATE
    }

    static final int METACON = 20;
    static final int SCHED = 21;
    static final int YIELD_SPACE = 22;
    static final int CONSTRUCTOR = CapReg.APP0;
    static final int WORK = CapReg.APP0 + 1;
    static final int BANK = CapReg.APP0 + 2;
    static final int YIELD = CapReg.APP0 + 3;
    static final int GO_REG = CapReg.APP0;
    static final long GO_ID = 99;

    Kernel k;
    CapRef goEntry;
    long yieldPc;
    volatile Kind kind;
    volatile int calls;
    volatile long completed;
    volatile String failure;
    volatile Thread waiter;
    long started;

    @Setup(Level.Trial)
    public void boot() throws ProgramRefusedException {
      KernelConfig cfg =
          KernelConfig.defaults()
              .withCpus(1)
              .withConsole(new PrintStream(OutputStream.nullOutputStream()));
      k = Kernel.create(cfg);
      CodeSegment runtime = RuntimeLibrary.segment(k);
      PrimeBank prime = PrimeBank.build(k, runtime);
      MetaConstructor meta = MetaConstructor.build(k, runtime, prime);
      CodeSegment yieldCode =
          k.newCodeSegment(ClassFiles.jar(ClassFiles.of(AnswerYield.class, Yield.class)));
      ProgramSpace yield = k.newProgramSpace(AnswerYield.class.getName(), 0, yieldCode, runtime);
      yieldPc = yield.pc();
      ObjectRef client = k.newProcess("constructor-client", this::client);
      ObjectRef replyEp = k.newEndpoint();
      k.setRecipient(replyEp, client);
      k.setPayloadMatch(replyEp);
      k.setCapReg(client, CapReg.REPLYEPT, k.cap(replyEp));
      prime.give(client);
      k.setCapReg(client, METACON, meta.entry());
      k.setCapReg(client, SCHED, k.kernelCap(KernelService.SCHEDULE));
      k.setCapReg(client, YIELD_SPACE, k.restricted(yield.space(), Restr.WEAK));
      ObjectRef goEp = k.newEndpoint();
      k.setRecipient(goEp, client);
      k.setEndpointId(goEp, GO_ID);
      goEntry = k.entry(goEp, 0);
      k.start(prime.process());
      k.start(meta.process());
      k.start(client);
      k = k.boot();
      run(Kind.SEAL, 0);
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
      BuilderClient con = new BuilderClient(new Ipc(sys));
      long prime = CapLoc.reg(CapReg.SPACEBANK);
      long nul = CapLoc.reg(CapReg.NULL);
      long sched = CapLoc.reg(SCHED);
      long mine = CapLoc.reg(BANK);
      long constructor = CapLoc.reg(CONSTRUCTOR);
      long yield = CapLoc.reg(YIELD);
      long done = 0;
      for (; ; ) {
        ipc.receive(true, GO_ID);
        int n = calls;
        try {
          switch (kind) {
            case SEAL -> {
              long work = CapLoc.reg(WORK);
              bank.createChild(prime, work);
              con.create(CapLoc.reg(METACON), work, sched, nul, work);
              con.setSpace(work, CapLoc.reg(YIELD_SPACE));
              con.setPC(work, yieldPc);
              con.seal(work, constructor);
              if (!con.isYieldConfined(constructor)) {
                failure = "the constructor is not confined";
              }
            }
            case CREATE -> {
              for (int i = 0; i < n; i++) {
                bank.createChild(prime, mine);
                con.create(constructor, mine, sched, nul, yield);
                bank.destroy(mine);
              }
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
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (completed < target && failure == null) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("batch " + target + " did not finish within 120 s");
        }
      }
      if (failure != null) {
        throw new IllegalStateException("the client failed: " + failure);
      }
    }
  }

  /** constructor.create: a fresh bank, a process built on it through create, the bank destroyed. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void create(Rig r) {
    r.run(Rig.Kind.CREATE, BATCH);
  }
}
