package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small system image for scenario tests: every process gets the Coyotos basics (a payload-match
 * reply endpoint in REPLYEPT, a one-page address space, KernLog in {@link #KERNLOG}, Discrim in
 * {@link #DISCRIM}), and the test waits for the whole system to go quiet before it checks what the
 * programs recorded.
 */
final class TestSystem implements AutoCloseable {
  /** Registers every process gets. */
  static final int KERNLOG = 20;

  static final int DISCRIM = 21;
  static final int CAPBITS = 22;
  static final int RANGE = 23;

  /** The builder until {@link #boot}, then the kernel's own handle (the builder is closed then). */
  Kernel k;

  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  /** The stream the kernel's console writes to (a program could hold its monitor). */
  final PrintStream consoleStream = new PrintStream(console, true, StandardCharsets.UTF_8);

  private final java.util.Map<ObjectRef, ObjectRef> replyEndpoints =
      new java.util.concurrent.ConcurrentHashMap<>();

  TestSystem(int cpus) {
    this(KernelConfig.defaults().withCpus(cpus));
  }

  TestSystem(KernelConfig cfg) {
    k = Kernel.create(cfg.withConsole(consoleStream));
  }

  /** A process with the basics; its reply endpoint is returned by {@link #replyEndpoint}. */
  ObjectRef process(String name, ProgramEntry program) {
    ObjectRef p = k.newProcess(name, program);
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    replyEndpoints.put(p, replyEp);
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    k.setAddressSpace(p, k.cap(k.newPage()));
    k.setCapReg(p, KERNLOG, k.kernelCap(KernelService.KERN_LOG));
    k.setCapReg(p, DISCRIM, k.kernelCap(KernelService.DISCRIM));
    k.setCapReg(p, CAPBITS, k.kernelCap(KernelService.CAP_BITS));
    k.setCapReg(p, RANGE, k.kernelCap(KernelService.RANGE));
    return p;
  }

  ObjectRef replyEndpoint(ObjectRef process) {
    return replyEndpoints.get(process);
  }

  /** A process that answers every request with an empty reply, forever. */
  ObjectRef emptyReplyServer(String name) {
    return process(
        name,
        sys -> {
          Ipc ipc = new Ipc(sys);
          ipc.receive();
          for (; ; ) {
            ipc.replyAndReceive(0, -1);
          }
        });
  }

  /** An endpoint delivering to {@code recipient} with endpoint ID {@code id}. */
  ObjectRef endpoint(ObjectRef recipient, long id) {
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, recipient);
    k.setEndpointId(ep, id);
    return ep;
  }

  void give(ObjectRef process, int reg, CapRef cap) {
    k.setCapReg(process, reg, cap);
  }

  /** Starts the processes in order, boots, and waits until nothing is left to run. */
  void runUntilQuiet(ObjectRef... processes) throws InterruptedException {
    for (ObjectRef p : processes) {
      k.start(p);
    }
    boot();
    awaitQuiet();
  }

  /** Boots the system; {@link #k} becomes the handle that may act on it while it runs. */
  void boot() {
    k = k.boot();
  }

  void awaitQuiet() throws InterruptedException {
    assertThat(k.awaitQuiescent(Duration.ofSeconds(60)))
        .as("the system settles (console so far: %s)", console())
        .isTrue();
  }

  ProcessInfo info(ObjectRef p) {
    return k.inspect(p);
  }

  String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  static long reg(int r) {
    return CapLoc.reg(r);
  }

  /** The sum over every CPU of the counter {@code name} in the kernel's {@code statistics}. */
  static long counter(String statistics, String name) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(" " + name + "=(\\d+)").matcher(statistics);
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  @Override
  public void close() {
    k.close();
  }
}
