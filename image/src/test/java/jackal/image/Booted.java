package jackal.image;

import jackal.image.boot.ImageBoot;
import jackal.image.coyotos.HelloWorld;
import jackal.image.refused.Forbidden;
import jackal.kernel.boot.KernelConfig;
import jackal.runtime.boot.ClassFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An image booted as {@code jackal run FILE.mki -I JARS} does, with what it printed and its exit
 * status. The programs the test images load are this JVM's compiled test classes, packed as jars
 * into one directory on the search path: {@code coyotos-tests.jar} (package jackal.image.coyotos) ,
 * {@code space-programs.jar} (the services' test programs, LargeModel and its kin) and {@code
 * refused.jar} (a program the verifier refuses).
 */
record Booted(int status, String console, String errors) {
  private static volatile Path jars;

  /** The directory holding the test programs' jars (written once per JVM). */
  static synchronized Path jars() {
    if (jars == null) {
      try {
        Path dir = Files.createTempDirectory("jackal-image-jars");
        dir.toFile().deleteOnExit();
        write(
            dir.resolve("coyotos-tests.jar"),
            ClassFiles.jar(ClassFiles.packageOf(HelloWorld.class)));
        write(dir.resolve("refused.jar"), ClassFiles.jar(ClassFiles.packageOf(Forbidden.class)));
        write(
            dir.resolve("space-programs.jar"),
            // On the class path from the services' test-jar; named, not imported (see the pom).
            ClassFiles.jar(
                ClassFiles.packageOf(Class.forName("jackal.services.space.programs.Report"))));
        jars = dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("the services' test-jar is not on the class path", e);
      }
    }
    return jars;
  }

  private static void write(Path f, byte[] bytes) throws IOException {
    Files.write(f, bytes);
    f.toFile().deleteOnExit();
  }

  /** A test resource as a file. */
  static Path resource(String name) {
    try {
      return Path.of(Booted.class.getResource("/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Boots the image file {@code file} with the jars directory on the search path. */
  static Booted boot(Path file) throws InterruptedException {
    return boot(file, List.of(jars()));
  }

  static Booted boot(Path file, List<Path> includes) throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream console = new PrintStream(out, true, StandardCharsets.UTF_8);
    int status =
        ImageBoot.run(
            file,
            includes,
            KernelConfig.defaults().withCpus(2).withCpusPerNode(2).withConsole(console),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Booted(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Boots the test image {@code coyotos-tests/NAME.mki}. */
  static Booted coyotos(String name) throws InterruptedException {
    return boot(resource("coyotos-tests/" + name + ".mki"));
  }
}
