package jackal.runtime;

import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Halt;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessReport;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.runtime.programs.IncrementClient;
import jackal.runtime.programs.IncrementServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The built-in system image that {@code jackal run} boots: a server and a client on their own
 * endpoints, both programs loaded from pages ({@link IncrementServer}, {@link IncrementClient} over
 * the shared {@link RuntimeLibrary} segment), verified and isolated by the kernel. The client calls
 * the server through an Entry capability with a reply capability made from its payload-match reply
 * endpoint; the server answers each request; both report through KernLog; when the client is done
 * it halts the system through SysCtl, which ends {@code jackal run}. {@code jackal run} itself now
 * boots images written in the image language (module jackal.image, whose tour is the default); this
 * Java-built image remains as the smallest loaded-program system, and {@link #run} is the boot loop
 * every image goes through.
 */
public final class DefaultImage {
  private DefaultImage() {}

  /** Endpoint ID the server's endpoint carries, and the payload of the client's Entry cap. */
  static final long SERVICE_ID = 42;

  static final int CLIENT_PAYLOAD = 7;
  static final int CALLS = 3;

  /** Opcode of the one request the server understands: add one to a number. */
  static final int OP_INCREMENT = 0x1;

  /**
   * Boots the image. {@code image} must be null: image files arrive with the image language.
   * Returns the process exit status.
   */
  public static int boot(String image, PrintStream out) throws InterruptedException {
    return boot(image, KernelConfig.defaults().withConsole(out));
  }

  /** Boots the image on a kernel with settings {@code cfg} (its console gets the output). */
  public static int boot(String image, KernelConfig cfg) throws InterruptedException {
    return boot(image, cfg, Observer.NONE);
  }

  /**
   * What {@code jackal run} does besides running the image ({@code --dump}, {@code --inspect}): it
   * is given the running kernel's handle when the system boots and when it has settled (gone quiet
   * or halted), before the kernel stops.
   */
  public interface Observer {
    Observer NONE = new Observer() {};

    /** The system is running; {@code running} is the kernel's handle. */
    default void booted(Kernel running) {}

    /** The system went quiet or halted; its objects are still there to look at. */
    default void settled(Kernel running) throws InterruptedException {}
  }

  /** As {@link #boot(String, KernelConfig)}, telling {@code observer} when it runs and settles. */
  public static int boot(String image, KernelConfig cfg, Observer observer)
      throws InterruptedException {
    PrintStream out = cfg.console();
    if (image != null) {
      out.println(
          "jackal: cannot load '"
              + image
              + "': image files are not supported yet; run"
              + " without an argument to boot the built-in image");
      return 2;
    }
    out.println(
        "jackal: booting the built-in image on "
            + cfg.cpus()
            + " CPUs ("
            + cfg.oidLayout()
            + " OID layout)");
    return run(cfg, DefaultImage::incrementPair, SETTLE, observer);
  }

  /** How long an image may run before {@code jackal run} gives up on it. */
  public static final Duration SETTLE = Duration.ofSeconds(30);

  /** What {@code jackal run} boots: builds the objects of an image and says what to start. */
  @FunctionalInterface
  public interface Image {
    /** Builds the image in {@code k}, which is not booted yet; returns the processes to start. */
    List<ObjectRef> build(Kernel k);
  }

  /**
   * Boots {@code image} and runs it until a SysCtl capability stops it or every process is idle,
   * and returns the exit status: 0 after a halt, a powerdown or a quiet end, 1 if it neither halted
   * nor settled within {@code limit} or if it went quiet with a process holding a fault (a quiet
   * end or a timeout prints every process that did not return, see {@link #report}). A reboot stops
   * the kernel and boots the image again on a fresh one: nothing persists yet, so this is the
   * RAM-only restart Coyotos makes from its boot image.
   */
  public static int run(KernelConfig cfg, Image image, Duration limit) throws InterruptedException {
    return run(cfg, image, limit, Observer.NONE);
  }

  /** As {@link #run(KernelConfig, Image, Duration)}, telling {@code observer} what happens. */
  public static int run(KernelConfig cfg, Image image, Duration limit, Observer observer)
      throws InterruptedException {
    PrintStream out = cfg.console();
    for (; ; ) {
      Optional<Halt> how;
      try (Kernel k = Kernel.create(cfg)) {
        for (ObjectRef p : image.build(k)) {
          k.start(p);
        }
        // boot() closes the builder; only the handle it returns can act on the running system.
        try (Kernel running = k.boot()) {
          observer.booted(running);
          long deadline = System.nanoTime() + limit.toNanos();
          for (; ; ) {
            how = running.awaitHalt(POLL);
            if (how.isPresent()) {
              if (observer != Observer.NONE) {
                running.awaitQuiescent(POLL); // let the halting call's last lines out first
                observer.settled(running);
              }
              break;
            }
            if (running.awaitQuiescent(POLL)) {
              // The halting process never runs again, so a halt can leave the system quiet too.
              how = running.halted();
              observer.settled(running);
              if (how.isEmpty()) {
                out.println("jackal: all processes idle; halting");
                return report(running, out) ? 1 : 0;
              }
              break;
            }
            if (System.nanoTime() - deadline > 0) {
              out.println(
                  "jackal: the image did not settle within " + limit.toSeconds() + " seconds");
              report(running, out);
              return 1;
            }
          }
        }
      }
      switch (how.get()) {
        case HALT -> {
          out.println("jackal: halted");
          return 0;
        }
        case POWERDOWN -> {
          out.println("jackal: powered down");
          return 0;
        }
        case REBOOT -> out.println("jackal: rebooting");
      }
    }
  }

  private static final Duration POLL = Duration.ofMillis(20);

  /**
   * Prints what became of every process that did not return: blocked (and on what), faulted (the
   * fault, its address, whether anyone handles it), died (the exception and its stack). Returns
   * true if any process holds a fault, which makes {@code jackal run} end with status 1.
   */
  static boolean report(Kernel running, PrintStream out) {
    boolean faulted = false;
    for (ProcessReport r : running.processes()) {
      if (r.info().exited()) {
        continue;
      }
      out.println("  " + r.describe().replace("\n", "\n  "));
      faulted |= r.faulted();
    }
    if (faulted) {
      out.println("jackal: a process ended in a fault nobody handled");
    }
    return faulted;
  }

  /**
   * The built-in image, the increment pair: a server, and a client that calls it {@link #CALLS}
   * times and then halts the system through SysCtl. Built in {@code k} (not booted); returns the
   * processes to start.
   */
  public static List<ObjectRef> incrementPair(Kernel k) {
    CapRef kernLog = k.kernelCap(KernelService.KERN_LOG);

    CodeSegment runtime = RuntimeLibrary.segment(k);
    CodeSegment programs = programsSegment(k);

    ObjectRef server = k.newProcess("server");
    load(k, server, runtime, programs, IncrementServer.class.getName());
    ObjectRef serviceEp = k.newEndpoint();
    k.setRecipient(serviceEp, server);
    k.setEndpointId(serviceEp, SERVICE_ID);
    giveSpaceAndLog(k, server, kernLog);

    ObjectRef client = k.newProcess("client");
    load(k, client, runtime, programs, IncrementClient.class.getName());
    k.setCapReg(client, CapReg.APP0, k.entry(serviceEp, CLIENT_PAYLOAD));
    k.setCapReg(client, CapReg.APP0 + 2, k.kernelCap(KernelService.SYS_CTL));
    giveSpaceAndLog(k, client, kernLog);
    return List.of(server, client);
  }

  /** The image's programs (the package of {@link IncrementServer}) as one shared segment. */
  private static CodeSegment programsSegment(Kernel k) {
    try {
      return k.newCodeSegment(ClassFiles.jar(ClassFiles.packageOf(IncrementServer.class)));
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException("the built-in programs are refused: " + e.getMessage(), e);
    }
  }

  /** Points {@code process} at a program space running {@code entry} from {@code programs}. */
  private static void load(
      Kernel k, ObjectRef process, CodeSegment runtime, CodeSegment programs, String entry) {
    try {
      ProgramSpace ps = k.newProgramSpace(entry, 1, programs, runtime);
      k.setSpaceAndPC(process, ps.space(), ps.pc());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException("the built-in image is refused: " + e.getMessage(), e);
    }
  }

  /**
   * What every process of the image gets: a reply endpoint (payload match on, endpoint ID 0) in
   * REPLYEPT and the KernLog capability (its program space holds a data page at address 0).
   */
  private static void giveSpaceAndLog(Kernel k, ObjectRef process, CapRef kernLog) {
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, process);
    k.setPayloadMatch(replyEp);
    k.setCapReg(process, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(process, CapReg.APP0 + 1, kernLog);
  }
}
