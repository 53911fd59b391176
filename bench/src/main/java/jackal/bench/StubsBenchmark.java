package jackal.bench;

import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.runtime.idl.coyotos.AddressSpaceExtendedFetchResult;
import jackal.runtime.idl.coyotos.CapUnknownRequestException;
import jackal.runtime.idl.coyotos.GPTClient;
import jackal.runtime.idl.coyotos.GPTServer;
import jackal.runtime.idl.coyotos.GPTSkeleton;
import java.util.concurrent.TimeUnit;
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
 * A call through the generated CapIDL stubs against the same call built by hand, per round trip,
 * both processes on one CPU (labels {@code stubs.handBuilt} and {@code stubs.generated}; their
 * quotient is {@code stub.call.ratio}).
 *
 * <ul>
 *   <li>{@link #handBuilt}: the exchange of {@code ipc.roundtrip.same-cpu} ({@link KernelRig}'s
 *       echo): the client sets {@code w[1]} and calls {@link Ipc#call}; a hand-written server
 *       answers {@code w[1] + 1} with {@link Ipc#replyAndReceive}.
 *   <li>{@link #generated}: {@code coyotos.GPT.setl2v} (the one kernel-IDL method with exactly one
 *       scalar argument and one scalar result) through {@link GPTClient#setl2v}, served by {@link
 *       GPTSkeleton} registered with a {@link ServerLoop}, whose {@link GPTServer} implementation
 *       answers {@code l2v + 1}. A user process serving a kernel interface is legitimate: a
 *       skeleton serves any interface. What the stubs add over the hand-built call: the opcode word
 *       (two request words instead of one), the client's zero-extension and exception check, the
 *       server loop's handler lookup (endpoint ID, then payload) and {@code Reply} bookkeeping, and
 *       the skeleton's opcode switch, shape and string checks and the interface call to the
 *       implementation.
 * </ul>
 *
 * <p>The harness is {@link KernelRig} (its STUB kind calls the skeleton server): each invocation
 * has a long-lived client process run a batch of {@link #BATCH} calls on the kernel's CPU thread,
 * started by a one-shot kicker and waited for with park/unpark; {@code @OperationsPerInvocation}
 * divides by the batch. The kernel boots once per trial; a full GC before every iteration promotes
 * its long-lived objects to the old generation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StubsBenchmark extends LauncherFork {
  /** Calls per invocation. */
  public static final int BATCH = 50_000;

  /** One CPU; the client and both servers on it. */
  @State(Scope.Benchmark)
  public static class OneCpu {
    KernelRig rig;

    @Setup(Level.Trial)
    public void boot() {
      rig = new KernelRig(1, 1, 1);
    }

    @Setup(Level.Iteration)
    public void tenure() {
      KernelRig.tenure();
    }

    @TearDown(Level.Trial)
    public void shutdown() {
      rig.close();
    }
  }

  /** stubs.handBuilt: the hand-built echo call of ipc.roundtrip.same-cpu. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long handBuilt(OneCpu s) {
    return s.rig.run(KernelRig.Kind.ECHO, BATCH);
  }

  /** stubs.generated: GPTClient.setl2v to a GPTSkeleton in a ServerLoop. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long generated(OneCpu s) {
    return s.rig.run(KernelRig.Kind.STUB, BATCH);
  }

  /**
   * The skeleton's implementation: setl2v answers its argument plus one; nothing else is served.
   */
  static final class IncrementingGpt implements GPTServer {
    @Override
    public int setl2v(int l2v) {
      return l2v + 1;
    }

    @Override
    public int getl2v() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void setHandler(boolean hasHandler) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public boolean getHandler() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void makeLocalWindow(int slot, int restr, long offset, int guard, int localRoot)
        throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void makeBackgroundWindow(int slot, int restr, long offset, int guard)
        throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long getSlot(int slot) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void setSlot(int slot, long c) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void guardedSetSlot(int slot, long c, int guard) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long fetch(long offset) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void store(long offset, long c) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public AddressSpaceExtendedFetchResult extendedFetch(long offset, int l2arg)
        throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void extendedStore(long offset, int l2arg, int guard, long value)
        throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void erase() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long copyFrom(long other) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long reduce(int mask) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public long setGuard(int guard) throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public int getGuard() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public int getRestrictions() throws KernelException {
      throw new CapUnknownRequestException();
    }

    @Override
    public void destroy() throws KernelException {
      throw new CapUnknownRequestException();
    }
  }
}
