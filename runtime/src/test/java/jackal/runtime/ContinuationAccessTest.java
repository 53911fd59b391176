package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM started without the export the kernel needs fails at once and says what to add. */
class ContinuationAccessTest {

  /** Run in a JVM of its own, without --add-exports: creates a kernel. */
  public static final class CreateKernel {
    private CreateKernel() {}

    public static void main(String[] args) {
      try (Kernel k = Kernel.create(KernelConfig.defaults().withCpus(1))) {
        System.out.println("created " + k.config().cpus());
      } catch (IllegalStateException e) {
        System.out.println(e.getMessage());
        System.exit(3);
      }
    }
  }

  @Test
  void creatingAKernelWithoutTheContinuationExportFailsAtOnceSayingWhatToAdd()
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    CreateKernel.class.getName()))
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the JVM ended").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isEqualTo(3);
    assertThat(out)
        .contains("--add-exports java.base/jdk.internal.vm=ALL-UNNAMED")
        .doesNotContain("created");
  }
}
