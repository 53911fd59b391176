package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.PrimeBank;
import jackal.services.boot.SpaceServerImage;
import jackal.services.idl.coyotos.ProcessClient;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.VirtualCopySpaceClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
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
 * {@code vcs.fault}: one copy-on-write fault handled by the virtual copy space server, on one CPU.
 * The client runs in a virtual copy space over a background of {@link #BATCH} pages and stores one
 * byte in each: every store faults (a store through the weak background), the kernel offers the
 * fault to the server (loaded from pages), which copies the page (bank alloc, copyFrom, setSlot,
 * with the GPTs above it copied on the first faults) and resumes the client, which retries the
 * store. The time per operation covers all of that; faults per second is its inverse.
 *
 * <p>Before each invocation (not timed) the client destroys its bank, makes a fresh one, restarts
 * the server on it (a new, empty copy) and enters the new space, so every batch copies the same
 * pages.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class VcsBenchmark extends LauncherFork {
  /** Faults per invocation: the background's pages. */
  public static final int BATCH = 4096;

  /** The rig: one CPU, the bank, the server and the client. */
  @State(Scope.Benchmark)
  public static class Rig {
    enum Kind {
      TOUCH,
      FRESH_SPACE
    }

    static final int GO_REG = CapReg.APP0;
    static final int SERVER = CapReg.APP0 + 1;
    static final int SERVER_SPACE = CapReg.APP0 + 2;
    static final int FACET = CapReg.APP0 + 3;
    static final int BANK = CapReg.APP0 + 4;
    static final int SPACE = CapReg.APP0 + 5;
    static final int HOME = CapReg.APP0 + 6;
    static final long GO_ID = 99;

    Kernel k;
    CapRef goEntry;
    long serverPc;
    volatile Kind kind;
    volatile long completed;
    volatile String failure;
    volatile Thread waiter;
    long started;

    @Setup(Level.Trial)
    public void boot() {
      KernelConfig cfg =
          KernelConfig.defaults()
              .withCpus(1)
              .withConsole(new PrintStream(OutputStream.nullOutputStream()));
      k = Kernel.create(cfg);
      CodeSegment runtime = RuntimeLibrary.segment(k);
      PrimeBank prime = PrimeBank.build(k, runtime);
      SpaceServerImage server =
          SpaceServerImage.virtualCopy(k, SpaceServerImage.segment(k), runtime, background());
      serverPc = server.pc();
      ObjectRef client = k.newProcess("vcs-client", this::client);
      ObjectRef replyEp = k.newEndpoint();
      k.setRecipient(replyEp, client);
      k.setPayloadMatch(replyEp);
      k.setCapReg(client, CapReg.REPLYEPT, k.cap(replyEp));
      k.setCapReg(client, CapReg.SELF, k.cap(client));
      CapRef home = k.cap(k.newPage());
      k.setAddressSpace(client, home);
      k.setCapReg(client, HOME, home);
      prime.give(client);
      k.setCapReg(client, SERVER, k.cap(server.process()));
      k.setCapReg(client, SERVER_SPACE, server.space());
      k.setCapReg(client, FACET, server.facet());
      ObjectRef goEp = k.newEndpoint();
      k.setRecipient(goEp, client);
      k.setEndpointId(goEp, GO_ID);
      goEntry = k.entry(goEp, 0);
      k.start(prime.process());
      k.start(client);
      k = k.boot();
    }

    /** BATCH pages under a tree of GPTs (16 slots a level) from address 0. */
    private CapRef background() {
      List<CapRef> level = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        level.add(k.cap(k.newPage()));
      }
      int l2v = 12;
      while (level.size() > 1) {
        List<CapRef> up = new ArrayList<>();
        for (int i = 0; i < level.size(); i += 16) {
          ObjectRef g = k.newGpt();
          k.setGpt(g, l2v, false, false);
          for (int j = 0; j < 16 && i + j < level.size(); j++) {
            k.setGptSlot(g, j, level.get(i + j));
          }
          up.add(k.guarded(k.cap(g), 0, l2v + 4));
        }
        level = up;
        l2v += 4;
      }
      return level.get(0);
    }

    @Setup(Level.Iteration)
    public void tenure() {
      System.gc();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      k.close();
    }

    /** The client: waits for a kick, does what is asked, signals, and waits again. */
    private void client(SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      Ipc calls = new Ipc(sys);
      SpaceBankClient bank = new SpaceBankClient(calls);
      ProcessClient process = new ProcessClient(calls);
      VirtualCopySpaceClient vcs = new VirtualCopySpaceClient(calls);
      boolean haveBank = false;
      long done = 0;
      for (; ; ) {
        ipc.receive(true, GO_ID);
        try {
          switch (kind) {
            case TOUCH -> {
              for (long a = 0; a < (long) BATCH << 12; a += 4096) {
                sys.storeByte(a, (byte) 1);
              }
            }
            case FRESH_SPACE -> {
              long self = CapLoc.reg(CapReg.SELF);
              process.setSlot(self, Codes.SLOT_ADDR_SPACE, CapLoc.reg(HOME));
              if (haveBank) {
                bank.destroy(CapLoc.reg(BANK));
              }
              bank.createChild(CapLoc.reg(CapReg.SPACEBANK), CapLoc.reg(BANK));
              haveBank = true;
              process.setCapReg(CapLoc.reg(SERVER), CapReg.SPACEBANK, CapLoc.reg(BANK));
              process.setSpaceAndPC(CapLoc.reg(SERVER), CapLoc.reg(SERVER_SPACE), serverPc);
              vcs.getSpace(CapLoc.reg(FACET), CapLoc.reg(SPACE));
              process.setSlot(self, Codes.SLOT_ADDR_SPACE, CapLoc.reg(SPACE));
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

    void run(Kind what) {
      if (failure != null) {
        throw new IllegalStateException("the client failed: " + failure);
      }
      waiter = Thread.currentThread();
      kind = what;
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

  /** Not timed: a fresh bank and an empty copy of the background. */
  @State(Scope.Thread)
  public static class FreshSpace {
    @Setup(Level.Invocation)
    public void fresh(Rig r) {
      r.run(Rig.Kind.FRESH_SPACE);
    }
  }

  /** vcs.fault: one copy-on-write fault, from the store to its retry, per operation. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void fault(Rig r, FreshSpace fresh) {
    r.run(Rig.Kind.TOUCH);
  }
}
