package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.CapLoc;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
}
