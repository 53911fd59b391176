package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapLoc;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.runtime.confined.Failing;
import jackal.runtime.confined.Stuck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What {@code jackal run} does with an image: run it until SysCtl stops it. */
class DefaultImageTest {
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final KernelConfig cfg =
      KernelConfig.defaults()
          .withCpus(2)
          .withConsole(new PrintStream(console, true, StandardCharsets.UTF_8));

  private String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  @Test
  void builtInImageEndsWithStatusZeroWhenItsClientHalts() throws Exception {
    assertThat(DefaultImage.boot(null, cfg)).isZero();
    assertThat(console())
        .contains("client: reply 3", "jackal: halted")
        .doesNotContain("still running after the halt");
  }

  /** An image of one process that invokes SysCtl method {@code op} on its boot number. */
  private static DefaultImage.Image stopping(AtomicInteger boots, int... opPerBoot) {
    return k -> {
      int boot = boots.getAndIncrement();
      ObjectRef p =
          k.newProcess(
              "stopper",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = opPerBoot[boot];
                ipc.call(CapLoc.reg(8), 1, 0, -1);
              });
      k.setCapReg(p, 8, k.kernelCap(KernelService.SYS_CTL));
      return List.of(p);
    };
  }

  @Test
  void rebootBootsTheImageAgainUntilItHalts() throws Exception {
    AtomicInteger boots = new AtomicInteger();
    int reboot = jackal.runtime.idl.coyotos.SysCtlCodes.OC_reboot;
    int halt = jackal.runtime.idl.coyotos.SysCtlCodes.OC_halt;
    int status =
        DefaultImage.run(cfg, stopping(boots, reboot, reboot, halt), Duration.ofSeconds(30));
    assertThat(status).isZero();
    assertThat(boots).hasValue(3);
    assertThat(console()).contains("jackal: rebooting").endsWith("jackal: halted\n");
  }

  @Test
  void powerdownEndsWithStatusZero() throws Exception {
    AtomicInteger boots = new AtomicInteger();
    int powerdown = jackal.runtime.idl.coyotos.SysCtlCodes.OC_powerdown;
    assertThat(DefaultImage.run(cfg, stopping(boots, powerdown), Duration.ofSeconds(30))).isZero();
    assertThat(console()).contains("jackal: powered down");
  }

  @Test
  void imageThatNeverHaltsNorSettlesEndsWithStatusOne() throws Exception {
    DefaultImage.Image spinning =
        k -> {
          ObjectRef p =
              k.newProcess(
                  "spinner",
                  sys -> {
                    for (; ; ) {
                      new Ipc(sys).yieldCpu();
                    }
                  });
          return List.of(p);
        };
    assertThat(DefaultImage.run(cfg, spinning, Duration.ofMillis(200))).isEqualTo(1);
    assertThat(console()).contains("did not settle");
  }

  /** Loads {@code entry} the way users' programs are loaded, into a new process {@code name}. */
  private static ObjectRef loaded(Kernel k, CodeSegment runtime, String name, Class<?> entry) {
    ObjectRef p = k.newProcess(name);
    try {
      CodeSegment code = k.newCodeSegment(ClassFiles.jar(ClassFiles.of(entry)));
      ProgramSpace ps = k.newProgramSpace(entry.getName(), 1, code, runtime);
      k.setSpaceAndPC(p, ps.space(), ps.pc());
    } catch (ProgramRefusedException e) {
      throw new AssertionError(e);
    }
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    return p;
  }

  /**
   * "gone", a program that returns at once, and "caller", which calls gone's endpoint and so waits
   * to send forever.
   */
  private static List<ObjectRef> callerOfAProgramThatReturned(Kernel k, CodeSegment runtime) {
    ObjectRef server = loaded(k, runtime, "gone", Failing.Returns.class);
    ObjectRef client = loaded(k, runtime, "caller", Stuck.CallsForever.class);
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, server);
    k.setCapReg(client, 8, k.entry(ep, 0));
    return List.of(server, client);
  }

  @Test
  void aQuietEndNamesTheClientBlockedForeverAndWhatItWaitsFor() throws Exception {
    DefaultImage.Image image = k -> callerOfAProgramThatReturned(k, RuntimeLibrary.segment(k));
    assertThat(DefaultImage.run(cfg, image, Duration.ofSeconds(30)))
        .as("nobody faulted: %s", console())
        .isZero();
    assertThat(console())
        .contains("jackal: all processes idle")
        .containsPattern("caller#\\d+: blocked, waiting for to send to gone#\\d+ \\(returned\\)")
        .doesNotContainPattern("gone#\\d+:");
  }

  @Test
  void aQuietEndWithAFaultNobodyHandlesEndsWithStatusOneAndNamesTheFault() throws Exception {
    DefaultImage.Image image =
        k -> List.of(loaded(k, RuntimeLibrary.segment(k), "toucher", Stuck.TouchesUnmapped.class));
    assertThat(DefaultImage.run(cfg, image, Duration.ofSeconds(30))).isEqualTo(1);
    assertThat(console())
        .containsPattern(
            "toucher#\\d+: faulted with \\w+ \\(\\d+\\) at 0x"
                + Long.toHexString(Stuck.TouchesUnmapped.ADDRESS)
                + "; it has no handler")
        .contains("jackal: a process ended in a fault nobody handled");
  }

  @Test
  void aQuietEndShowsTheExceptionAndStackOfAProgramThatDied() throws Exception {
    DefaultImage.Image image =
        k -> List.of(loaded(k, RuntimeLibrary.segment(k), "thrower", Failing.Thrower.class));
    assertThat(DefaultImage.run(cfg, image, Duration.ofSeconds(30))).isEqualTo(1);
    assertThat(console())
        .containsPattern(
            "thrower#\\d+: died with ProgramException \\(128\\) at 0x0; it has no handler")
        .contains("IllegalStateException: thrown by the program")
        .contains(Failing.Thrower.class.getName() + ".run(Failing.java:");
  }

  @Test
  void aTimeoutAlsoReportsWhereEachProcessIs() throws Exception {
    DefaultImage.Image image =
        k -> {
          CodeSegment runtime = RuntimeLibrary.segment(k);
          List<ObjectRef> processes = new ArrayList<>(callerOfAProgramThatReturned(k, runtime));
          processes.add(loaded(k, runtime, "spinner", Stuck.YieldsForever.class));
          return processes;
        };
    assertThat(DefaultImage.run(cfg, image, Duration.ofMillis(300))).isEqualTo(1);
    assertThat(console())
        .contains("did not settle")
        .containsPattern("caller#\\d+: blocked, waiting for to send to gone#\\d+")
        .containsPattern("spinner#\\d+: ready to run");
  }
}
