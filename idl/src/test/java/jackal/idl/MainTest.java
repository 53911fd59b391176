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
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void compilesTheKernelInterfaces() throws Exception {
    Path srcDir = tmp.resolve("idl");
    Files.createDirectories(srcDir);
    List<String> args =
        new ArrayList<>(List.of("-o", tmp.resolve("gen").toString(), "-p", "jackal.gen"));
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
    assertThat(err())
        .isEqualTo(bad + ":4:1: expected ';' after method declaration" + System.lineSeparator());
  }

  @Test
  void usageErrors() {
    assertThat(run()).isEqualTo(2);
    assertThat(err())
        .startsWith("usage: jackal.idl.Main -o OUTDIR -p JAVA_PACKAGE_PREFIX [OPTIONS] FILE...");
    assertThat(run("-o")).isEqualTo(2);
    assertThat(run("-q", "x")).isEqualTo(2);
    assertThat(run("-o", "x", "-p", "not a package", "F.idl")).isEqualTo(2);
    assertThat(run("-o", tmp.toString(), "-p", "x", tmp.resolve("missing.idl").toString()))
        .isEqualTo(2);
    assertThat(run("--help")).isZero();
    assertThat(run("-o", "x", "-p", "y", "--use-kernel-idl")).isEqualTo(2);
    assertThat(run("-o", "x", "-p", "y", "--kernel-idl", "--use-kernel-idl", "z")).isEqualTo(2);
    assertThat(run("-o", "x", "-p", "y", "--use-kernel-idl", "not a package", "F.idl"))
        .isEqualTo(2);
  }

  @Test
  void kernelIdlFromResourcesWithLongOptionsAndNoFiles() throws Exception {
    Path gen = tmp.resolve("gen");
    assertThat(run("--out", gen.toString(), "--prefix", "k", "--kernel-idl")).as(err()).isZero();
    assertThat(gen.resolve("k/coyotos/EndpointClient.java")).exists();
    assertThat(gen.resolve("k/coyotos/EndpointSkeleton.java")).exists();
    assertThat(gen.resolve("k/coyotos/EndpointCodes.java")).exists();
  }

  @Test
  void codesOnlyWritesJustTheConstantsClasses() throws Exception {
    Path gen = tmp.resolve("gen");
    assertThat(run("-o", gen.toString(), "-p", "jackal.kernel.idl", "--kernel-idl", "--codes-only"))
        .as(err())
        .isZero();
    try (var files = Files.walk(gen)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .hasSize(KernelIdl.FILES.size())
          .allMatch(n -> n.endsWith("Codes.java"));
    }
  }

  @Test
  void methodTableAddsTheTableToTheConstantsClasses() throws Exception {
    Path gen = tmp.resolve("gen");
    assertThat(
            run(
                "-o",
                gen.toString(),
                "-p",
                "jackal.kernel.idl",
                "--kernel-idl",
                "--codes-only",
                "--method-table"))
        .as(err())
        .isZero();
    try (var files = Files.walk(gen)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .hasSize(KernelIdl.FILES.size() + 1)
          .allMatch(n -> n.endsWith("Codes.java") || n.equals("MethodTable.java"));
    }
    assertThat(gen.resolve("jackal/kernel/idl/MethodTable.java")).exists();
  }

  @Test
  void theMethodTableNamesEveryMethodAndExceptionCodeOfTheGeneratedPackages() throws Exception {
    Path src = tmp.resolve("A.idl");
    Files.writeString(
        src, "package p;\ninterface A { exception Busy; void f(); void g() raises(Busy); };\n");
    Path gen = tmp.resolve("gen");
    assertThat(run("-o", gen.toString(), "-p", "x", "--method-table", src.toString()))
        .as(err())
        .isZero();
    String table = Files.readString(gen.resolve("x/MethodTable.java"));
    var model = CapIdl.compile(List.of(SourceFile.read(src)));
    var a = model.iface("p.A");
    for (var m : a.methods()) {
      assertThat(table)
          .contains(jackal.idl.gen.JavaNames.hex(m.code()) + ",")
          .contains("\"p.A." + m.name() + "\",");
    }
    assertThat(table)
        .contains(jackal.idl.gen.JavaNames.hex(a.exceptions().get(0).code()) + ",")
        .contains("\"p.A.Busy\",");
  }

  @Test
  void usingTheKernelIdlWritesOnlyTheOtherPackagesAndRefersToTheKernelClasses() throws Exception {
    Path src = tmp.resolve("Svc.idl");
    Files.writeString(
        src,
        "package svc;\ninterface Svc extends coyotos.Cap {\n  void ping(coyotos.Endpoint e) raises(coyotos.Cap.NoAccess);\n};\n");
    Path gen = tmp.resolve("gen");
    assertThat(run("-o", gen.toString(), "-p", "app", "--use-kernel-idl", "k", src.toString()))
        .as(err())
        .isZero();
    assertThat(gen.resolve("k")).doesNotExist();
    assertThat(Files.readString(gen.resolve("app/svc/SvcClient.java")))
        .contains("public class SvcClient extends k.coyotos.CapClient {");
    assertThat(Files.readString(gen.resolve("app/svc/SvcSkeleton.java")))
        .contains("case k.coyotos.CapCodes.OC_getType -> $getType($ipc, $reply, $sndLen);");
  }

  @Test
  void unchangedFilesAreLeftAloneAndCleanRemovesStaleOnes() throws Exception {
    Path src = tmp.resolve("A.idl");
    Files.writeString(src, "package p;\ninterface A { void f(); };\n");
    Path gen = tmp.resolve("gen");
    assertThat(run("-o", gen.toString(), "-p", "x", src.toString())).isZero();
    Path client = gen.resolve("x/p/AClient.java");
    java.nio.file.attribute.FileTime before = java.nio.file.attribute.FileTime.fromMillis(1000);
    Files.setLastModifiedTime(client, before);
    Path stale = gen.resolve("x/p/old/GoneClient.java");
    Files.createDirectories(stale.getParent());
    Files.writeString(stale, "// stale");
    Path notJava = gen.resolve("x/p/notes.txt");
    Files.writeString(notJava, "kept");
    assertThat(run("-o", gen.toString(), "-p", "x", "--clean", src.toString())).isZero();
    assertThat(Files.getLastModifiedTime(client)).isEqualTo(before);
    assertThat(stale).doesNotExist();
    assertThat(stale.getParent()).doesNotExist();
    assertThat(notJava).exists();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("(0 written, 1 stale removed)");
    out.reset();
    assertThat(run("-o", gen.toString(), "-p", "x", "--quiet", src.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
