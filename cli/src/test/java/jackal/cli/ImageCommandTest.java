package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.file.ImageFile;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.DefaultImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jackal image build|show} and {@code jackal run} of a built file. */
class ImageCommandTest {
  @TempDir Path dir;

  private final StringWriter err = new StringWriter();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();

  /** Runs the command line with System.out captured (the kernel's console and the listings). */
  private int run(String... args) {
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(new PrintStream(console, true, StandardCharsets.UTF_8), true));
    cmd.setErr(new PrintWriter(err, true));
    PrintStream saved = System.out;
    System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
    try {
      return cmd.execute(args);
    } finally {
      System.setOut(saved);
    }
  }

  private String printed() {
    return console.toString(StandardCharsets.UTF_8);
  }

  private Path source(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void imageBuildWritesAFileThatRunBoots() throws Exception {
    Path src =
        source(
            "pair.mki",
            """
            module pair {
              def p = new Process(PrimeBank);
              def ep = new Endpoint(PrimeBank);
              ep.recipient = p;
              p.capReg[4] = enter(ep, 1);
            }
            """);
    Path out = dir.resolve("pair.jkimg");
    assertThat(run("image", "build", src.toString(), "-o", out.toString())).isZero();
    assertThat(printed()).contains("jackal: wrote " + out);
    assertThat(ImageFile.isImageFile(out)).isTrue();
    assertThat(run("run", out.toString(), "--cpus", "1")).isZero();
    assertThat(printed())
        .contains("jackal: booting " + out + " (2 objects) on 1 CPUs")
        .contains("jackal: all processes idle; halting");
  }

  @Test
  void aBuiltFileOfTheIncrementPairRunsToItsHalt() throws Exception {
    Path file = dir.resolve("increment.jkimg");
    try (Kernel k = Kernel.create(KernelConfig.defaults().withCpus(2).withCpusPerNode(2))) {
      incrementPair(k);
      ImageFile.write(KernelImage.exportFrom(k), file);
    }
    assertThat(run("run", file.toString(), "--cpus", "2")).isZero();
    assertThat(programLines(printed()))
        .containsSubsequence(
            "client: reply 1",
            "client: reply 2",
            "client: reply 3",
            "client: done after 3 calls; halting");
    assertThat(printed()).contains("jackal: halted").doesNotContain("still running after the halt");
  }

  /** The client's log lines, without the kernel log's prefix. */
  private static List<String> programLines(String out) {
    return out.lines()
        .filter(l -> l.contains("client: "))
        .map(l -> l.substring(l.indexOf("client: ")))
        .toList();
  }

  /** The built-in image's two programs, started (not booted). */
  private static void incrementPair(Kernel k) {
    for (ObjectRef p : DefaultImage.incrementPair(k)) {
      k.start(p);
    }
  }

  @Test
  void imageBuildReportsASourceErrorWithItsPositionAndStatus2() throws Exception {
    Path src = source("bad.mki", "module bad {\n  def p = new Process(NoBank);\n}\n");
    Path out = dir.resolve("bad.jkimg");
    assertThat(run("image", "build", src.toString(), "-o", out.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("bad.mki:2:").contains("NoBank");
    assertThat(out).doesNotExist();
  }

  @Test
  void imageBuildFindsImportsThroughDashI() throws Exception {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Files.writeString(lib.resolve("consts.mki"), "module consts { export def ID = 77; }\n");
    Path src =
        source(
            "uses.mki",
            "module uses {\n  import c = consts;\n  def ep = new Endpoint(PrimeBank);\n"
                + "  ep.endpointID = c.ID;\n}\n");
    Path out = dir.resolve("uses.jkimg");
    assertThat(run("image", "build", src.toString(), "-I", lib.toString(), "-o", out.toString()))
        .isZero();
    console.reset();
    assertThat(run("image", "show", out.toString())).isZero();
    assertThat(printed()).contains("endpoint#0: id 77, recipient none");
  }

  @Test
  void runOfADamagedFileNamesTheSectionAndOffsetAndFails() throws Exception {
    Path src = source("one.mki", "module one { def ep = new Endpoint(PrimeBank); }\n");
    Path out = dir.resolve("one.jkimg");
    assertThat(run("image", "build", src.toString(), "-o", out.toString())).isZero();
    byte[] b = Files.readAllBytes(out);
    b[b.length - 3] ^= 1;
    Files.write(out, b);
    console.reset();
    assertThat(run("run", out.toString())).isEqualTo(1);
    assertThat(printed()).contains("jackal: " + out + ": header at byte 24: checksum mismatch");
  }

  @Test
  void imageShowListsProcessesWithTheirCapabilitiesAndTheRunList() throws Exception {
    Path file = dir.resolve("increment.jkimg");
    try (Kernel k = Kernel.create(KernelConfig.defaults().withCpus(2).withCpusPerNode(2))) {
      incrementPair(k);
      ImageFile.write(KernelImage.exportFrom(k), file);
    }
    assertThat(run("image", "show", file.toString())).isZero();
    assertThat(printed())
        .contains("process server#0: running, fault Startup (info 0x100000000), starts at boot")
        .contains("process client#1: running, fault Startup (info 0x100000000), starts at boot")
        .contains("  reg 8: Entry -> endpoint#0 (pp 7)")
        .contains("  reg 10: SysCtl")
        .contains("endpoint#0: id 42, recipient server#0")
        .contains("starts at boot: server#0 client#1");
  }

  @Test
  void imageShowPrintsTheSameTextAndGraphAsTheDumpOfTheKernelTheFileWasBuiltFrom()
      throws Exception {
    Path file = dir.resolve("increment.jkimg");
    String text;
    String dot;
    try (Kernel k = Kernel.create(KernelConfig.defaults().withCpus(2).withCpusPerNode(2))) {
      incrementPair(k);
      ImageFile.write(KernelImage.exportFrom(k), file);
      text = k.view().text();
      dot = k.view().dot();
    }
    assertThat(run("image", "show", file.toString())).isZero();
    assertThat(printed()).isEqualTo(text);
    assertThat(run("image", "show", "--format", "dot", file.toString())).isZero();
    assertThat(printed()).isEqualTo(text + dot);
  }

  @Test
  void imageShowRefusesAnUnknownFormat() throws Exception {
    Path file = dir.resolve("increment.jkimg");
    try (Kernel k = Kernel.create(KernelConfig.defaults().withCpus(2).withCpusPerNode(2))) {
      incrementPair(k);
      ImageFile.write(KernelImage.exportFrom(k), file);
    }
    assertThat(run("image", "show", "--format", "svg", file.toString())).isEqualTo(2);
  }

  @Test
  void imageAndItsSubcommandsAnswerHelp() {
    StringWriter out = new StringWriter();
    for (String[] args :
        new String[][] {
          {"image", "--help"}, {"image", "build", "--help"}, {"image", "show", "--help"}
        }) {
      CommandLine cmd = Main.commandLine();
      out.getBuffer().setLength(0);
      cmd.setOut(new PrintWriter(out, true));
      cmd.setErr(new PrintWriter(err, true));
      assertThat(cmd.execute(args)).as(String.join(" ", args)).isZero();
      assertThat(out.toString())
          .startsWith("Usage: jackal " + String.join(" ", args).replace(" --help", ""));
    }
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void imageBuildOfAMissingSourceSaysWhichFile() {
    Path missing = dir.resolve("nowhere.mki");
    assertThat(run("image", "build", missing.toString(), "-o", dir.resolve("x").toString()))
        .isEqualTo(1);
    assertThat(err.toString()).startsWith("jackal: cannot read " + missing + ": ");
  }

  @Test
  void imageShowOfASourceFileSaysItIsNotAnImage() throws Exception {
    Path src = source("plain.mki", "module plain { }\n");
    assertThat(run("image", "show", src.toString())).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("jackal: " + src + ": header at byte 0: not a Jackal image file (wrong magic)");
  }

  @Test
  void aBuiltImageBootedInAFreshJvmTracesItsProgramsCallsByTheirCapIdlNames() throws Exception {
    Path kv =
        Path.of(System.getProperty("basedir", ".")).resolve("../examples/kv/kv.mki").normalize();
    Path file = dir.resolve("kv.jkimg");
    assertThat(run("image", "build", kv.toString(), "-o", file.toString()))
        .as(err.toString())
        .isZero();
    // A JVM of its own: this one learnt the names when it built the image; that one learns them
    // from the file only.
    List<String> cmd = new ArrayList<>(LedgerSoak.javaCommand());
    cmd.addAll(List.of("run", file.toString(), "--cpus", "2", "--trace-interface", "KeyValue"));
    Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(child.waitFor()).as(out).isZero();
    String ok = "\\(\\.\\.\\.\\) \\[ep \\d+, pp [01]\\] at server#\\d+ = OK \\d+ ns";
    for (String method : List.of("put", "get", "size", "readOnly")) {
      assertThat(out.lines().filter(l -> l.matches("client#\\d+ -> KeyValue\\." + method + ok)))
          .as(method + " in:\n" + out)
          .isNotEmpty();
    }
    assertThat(out)
        .containsPattern(
            "client#\\d+ -> KeyValue\\.get\\(\\.\\.\\.\\) \\[ep \\d+, pp 0\\] .* = NotFound ");
  }
}
