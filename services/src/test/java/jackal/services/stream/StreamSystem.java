package jackal.services.stream;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.PrimeBank;
import jackal.services.boot.ServicesLibrary;
import jackal.services.idl.coyotos.IoStreamClient;
import jackal.services.stream.programs.PipeWriterProgram;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A kernel with the prime bank, the servers a test builds into it, client processes that run a
 * test's scenario (trusted lambdas with one page of memory at 0 for their string areas) and loaded
 * test programs. Everything KernLog and the Console write is captured in {@link #console()}. A
 * failure inside a client is rethrown by {@link #boot}.
 */
public final class StreamSystem implements AutoCloseable {
  /** Where clients find KernLog and Sleep. */
  public static final int LOG = 20;

  public static final int SLEEP = 21;

  public Kernel k;
  public final PrimeBank prime;
  public final CodeSegment runtime;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final List<ObjectRef> started = new ArrayList<>();
  private final List<ObjectRef> clients = new ArrayList<>();

  /** What a client sees: its calls, and an IoStream client and library on their own Ipc. */
  public static final class Client {
    public final SystemCalls sys;
    public final Ipc ipc;
    public final IoStreamClient stream;
    public final IoStreams streams;

    Client(SystemCalls sys) {
      this.sys = sys;
      this.ipc = new Ipc(sys);
      this.stream = new IoStreamClient(new Ipc(sys)).stringArea(0, IoStreams.BUF_LIMIT);
      this.streams = new IoStreams(stream, CapReg.APP0 + 7);
    }
  }

  @FunctionalInterface
  public interface Scenario {
    void run(Client c) throws Exception;
  }

  public StreamSystem() {
    this(2);
  }

  public StreamSystem(int cpus) {
    KernelConfig cfg =
        new KernelConfig(
            cpus,
            cpus,
            "wide",
            1L << 16,
            50,
            500,
            new PrintStream(console, true, StandardCharsets.UTF_8));
    k = Kernel.create(cfg);
    runtime = RuntimeLibrary.segment(k);
    prime = PrimeBank.build(k, runtime);
    started.add(prime.process());
  }

  /** Starts {@code process} (a server) at boot. */
  public void serve(ObjectRef process) {
    started.add(process);
  }

  /** A client process running {@code scenario}, started at boot. */
  public ObjectRef client(String name, Scenario scenario) {
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
    setUp(p);
    k.setAddressSpace(p, k.cap(k.newPage()));
    clients.add(p);
    return p;
  }

  /** A process running the loaded test program {@code program}, started at boot. */
  public ObjectRef loaded(String name, Class<?> program, int dataPages) {
    ObjectRef p = k.newProcess(name);
    try {
      byte[] jar =
          ClassFiles.jar(
              ClassFiles.select(
                  PipeWriterProgram.class, n -> n.startsWith("jackal/services/stream/programs/")));
      ProgramSpace ps =
          k.newProgramSpace(
              program.getName(),
              dataPages,
              k.newCodeSegment(jar),
              ServicesLibrary.segment(k),
              runtime);
      k.setSpaceAndPC(p, ps.space(), ps.pc());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException(e);
    }
    setUp(p);
    k.setCapReg(p, PipeWriterProgram.LOG, k.kernelCap(KernelService.KERN_LOG));
    clients.add(p);
    return p;
  }

  private void setUp(ObjectRef p) {
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    prime.give(p);
    k.setCapReg(p, LOG, k.kernelCap(KernelService.KERN_LOG));
    k.setCapReg(p, SLEEP, k.kernelCap(KernelService.SLEEP));
  }

  /**
   * Boots with every server and client, waits until the system settles, rethrows what failed in a
   * client, and checks that every client ran to its end.
   */
  public void boot() throws Exception {
    for (ObjectRef p : started) {
      k.start(p);
    }
    for (ObjectRef p : clients) {
      k.start(p);
    }
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
    for (ObjectRef c : clients) {
      assertThat(k.inspect(c).exited())
          .as("%s ran to its end (console: %s)", c, console())
          .isTrue();
    }
  }

  /** What reached the terminal: KernLog lines and Console bytes. */
  public String console() {
    synchronized (console) {
      return console.toString(StandardCharsets.UTF_8);
    }
  }

  public static long reg(int r) {
    return CapLoc.reg(r);
  }

  @Override
  public void close() {
    k.close();
  }
}
