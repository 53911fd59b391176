package jackal.idl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void compilesTheKernelInterfaces() throws Exception {
    Path srcDir = tmp.resolve("idl");
    Files.createDirectories(srcDir);
    List<String> args = new ArrayList<>(List.of("-o", tmp.resolve("gen").toString(), "-p", "jackal.gen"));
    for (SourceFile f : KernelIdl.sources()) {
      Path p = srcDir.resolve(Path.of(f.name()).getFileName());
      Files.writeString(p, f.text());
      args.add(p.toString());
    }
    assertThat(run(args.toArray(String[]::new))).as(err()).isZero();
    Path ep = tmp.resolve("gen/jackal/gen/coyotos/EndpointCodes.java");
    assertThat(ep).exists();
    assertThat(Files.readString(ep)).contains("IKT = 0x46c3958a20f257e9L;");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(KernelIdl.FILES.size() + " file(s)");
  }

  @Test
  void aMalformedFileGivesOneLineAndStatusOne() throws Exception {
    Path bad = tmp.resolve("Bad.idl");
    Files.writeString(bad, "package p;\ninterface A {\n  void f()\n};\n");
    assertThat(run("-o", tmp.toString(), "-p", "x", bad.toString())).isEqualTo(1);
    assertThat(err()).isEqualTo(bad + ":4:1: expected ';' after method declaration" + System.lineSeparator());
  }

  @Test
  void usageErrors() {
    assertThat(run()).isEqualTo(2);
    assertThat(err()).startsWith("usage: jackal.idl.Main -o OUTDIR -p JAVA_PACKAGE_PREFIX FILE...");
    assertThat(run("-o")).isEqualTo(2);
    assertThat(run("-q", "x")).isEqualTo(2);
    assertThat(run("-o", "x", "-p", "not a package", "F.idl")).isEqualTo(2);
    assertThat(run("-o", tmp.toString(), "-p", "x", tmp.resolve("missing.idl").toString())).isEqualTo(2);
    assertThat(run("--help")).isZero();
  }
}
