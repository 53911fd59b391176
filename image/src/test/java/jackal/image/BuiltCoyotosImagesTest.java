package jackal.image;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.file.ImageBuild;
import jackal.image.file.ImageFile;
import jackal.image.file.ImageFileException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.DefaultImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Ported Coyotos test images (programs, banks and services) built into files: each file reads back
 * to the same bytes and boots to the outcome its source boots to.
 */
class BuiltCoyotosImagesTest {
  private static KernelConfig config(PrintStream console) {
    return KernelConfig.defaults().withCpus(2).withCpusPerNode(2).withConsole(console);
  }

  private static byte[] build(String name) throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    return ImageBuild.build(
        Booted.resource("coyotos-tests/" + name + ".mki"),
        List.of(Booted.jars()),
        config(quiet),
        quiet);
  }

  /** Boots a built file as {@code jackal run FILE} does; returns what the console shows. */
  private static String bootFile(byte[] file) throws Exception {
    ImageFile.Parsed parsed = ImageFile.decode(file, "built.jkimg");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status =
        DefaultImage.run(
            config(new PrintStream(out, true, StandardCharsets.UTF_8)),
            k -> {
              try {
                return parsed.loadInto(k);
              } catch (ImageFileException e) {
                throw new IllegalStateException(e);
              }
            },
            DefaultImage.SETTLE);
    String console = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(console).isZero();
    return console;
  }

  @Test
  void helloWorldBuiltIntoAFileReadsBackExactlyAndSaysHello() throws Exception {
    byte[] file = build("HelloWorld");
    try (Kernel k = Kernel.create(config(new PrintStream(OutputStream.nullOutputStream())))) {
      for (ObjectRef p : ImageFile.decode(file, "hello.jkimg").loadInto(k)) {
        k.start(p);
      }
      assertThat(ImageFile.encode(KernelImage.exportFrom(k))).isEqualTo(file);
    }
    assertThat(bootFile(file)).contains("hello, world");
    assertThat(Booted.coyotos("HelloWorld").console()).contains("hello, world");
  }

  @Test
  void nullStreamBuiltIntoAFilePassesAsItsSourceDoes() throws Exception {
    assertThat(bootFile(build("NullStream"))).contains("PASS").doesNotContain("FAIL");
  }
}
