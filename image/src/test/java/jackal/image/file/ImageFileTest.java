package jackal.image.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import jackal.image.CapIdlName;
import jackal.kernel.api.Restr;
import jackal.kernel.boot.Halt;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building an image into a file, reading it back and booting it. */
class ImageFileTest {
  @TempDir Path dir;

  @Test
  void aBootedFileRunsAsTheKernelItWasBuiltFrom() throws Exception {
    ByteArrayOutputStream direct = new ByteArrayOutputStream();
    Images.Outcome fromBuilder;
    byte[] file;
    try (Kernel k = Kernel.create(Images.config(new PrintStream(direct, true)))) {
      Images.incrementPair(k);
      file = ImageFile.encode(KernelImage.exportFrom(k));
      fromBuilder = Images.boot(k, direct);
    }
    ByteArrayOutputStream loaded = new ByteArrayOutputStream();
    Images.Outcome fromFile;
    try (Kernel k = Kernel.create(Images.config(new PrintStream(loaded, true)))) {
      for (ObjectRef p : ImageFile.decode(file, "pair.jkimg").loadInto(k)) {
        k.start(p);
      }
      fromFile = Images.boot(k, loaded);
    }
    assertThat(fromFile.halt()).contains(Halt.HALT);
    assertThat(fromFile.log()).anyMatch(l -> l.contains("client: reply 3"));
    assertThat(fromFile).isEqualTo(fromBuilder);
  }

  @Test
  void writingWhatWasReadGivesTheSameBytes() throws Exception {
    byte[] first = Images.incrementPairFile();
    byte[] second;
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      for (ObjectRef p : ImageFile.decode(first, "pair.jkimg").loadInto(k)) {
        k.start(p);
      }
      second = ImageFile.encode(KernelImage.exportFrom(k));
    }
    assertThat(second).isEqualTo(first);
  }

  @Test
  void everyFieldTheBootApiSetsSurvivesTheFile() throws Exception {
    byte[] first;
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      ObjectRef p = k.newProcess("odd one");
      ObjectRef ep = k.newEndpoint();
      ObjectRef g = k.newGpt();
      ObjectRef cp = k.newCapPage();
      ObjectRef page = k.newPage();
      k.writePage(page, 4000, "tail".getBytes(StandardCharsets.UTF_8));
      k.setGpt(g, 20, true, true);
      k.setGptSlot(g, 0, k.restricted(k.cap(page), Restr.READ_ONLY | Restr.NO_EXECUTE));
      k.setGptSlot(g, 14, k.window(0x5000, 3, 16));
      k.setGptSlot(g, 13, k.localWindow(2, 0x7000, 1, 14));
      k.setGptSlot(g, 15, k.appNotice(ep, 0x30));
      k.setCapPageSlot(cp, 255, k.guarded(k.cap(g), 0x12, 24));
      k.setRecipient(ep, p);
      k.setPayloadMatch(ep);
      k.setEndpointId(ep, -3);
      k.setProtectedPayload(ep, 0xFFFF_FFF0);
      k.setSpaceAndPC(p, k.restricted(k.cap(g), Restr.OPAQUE), 0x1_0000_0000L);
      k.setHandler(p, k.entry(ep, 9));
      k.setBrand(p, k.cap(cp));
      k.setCpuMask(p, 2);
      k.setCapReg(p, 31, k.kernelCap(KernelService.CONSOLE));
      first = ImageFile.encode(KernelImage.exportFrom(k));
    }
    KernelImage read = ImageFile.decode(first, "odd.jkimg").image();
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      List<ObjectRef> run = ImageFile.decode(first, "odd.jkimg").loadInto(k);
      assertThat(run).isEmpty();
      assertThat(ImageFile.encode(KernelImage.exportFrom(k))).isEqualTo(first);
    }
    assertThat(ImageView.of(ImageFile.decode(first, "odd.jkimg")).text())
        .contains("process odd one#0: running, not started, cpu ")
        .contains("  handler: Entry -> endpoint#0 (pp 9, invalid)") // not the reply payload
        .contains("  space: GPT -> gpt#0 (opaque, guard 0x0/12)")
        .contains("  brand: CapPage -> cappage#0")
        .contains("  reg 31: Console")
        .contains("  slot 14: Window (offset 0x5000, guard 0x3/16)")
        .contains("  slot 13: LocalWindow (offset 0x7000, root slot 2, guard 0x1/14)")
        .contains("  slot 15: AppNotice -> endpoint#0 (mask 0x30)")
        .contains("  slot 255: GPT -> gpt#0 (guard 0x12/24)")
        .contains("endpoint#0: id -3, recipient odd one#0, payload match at 4294967280")
        .contains("  holding data: page#0 (1), 4 non-zero bytes");
  }

  @Test
  void aProcessRunningTrustedJavaCodeCannotBeWrittenToAFile() {
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      k.newTrustedProcess("lambda", sys -> {});
      assertThatExceptionOfType(IllegalStateException.class)
          .isThrownBy(() -> KernelImage.exportFrom(k))
          .withMessageContaining("lambda#0 runs trusted code given as a Java lambda");
    }
  }

  @Test
  void anImageLoadsOnlyIntoAKernelThatMadeNothingYet() throws Exception {
    byte[] file = Images.incrementPairFile();
    try (Kernel k = Kernel.create(Images.config(System.out))) {
      k.newPage();
      assertThatExceptionOfType(IllegalStateException.class)
          .isThrownBy(() -> ImageFile.decode(file, "pair.jkimg").loadInto(k))
          .withMessageContaining("only into a kernel that has made no object yet");
    }
  }

  @Test
  void anImageCannotBeLoadedIntoARunningSystem() throws Exception {
    byte[] file = Images.incrementPairFile();
    try (Kernel k = Kernel.create(Images.config(System.out));
        Kernel running = k.boot()) {
      assertThatExceptionOfType(IllegalStateException.class)
          .isThrownBy(() -> ImageFile.decode(file, "pair.jkimg").loadInto(running));
      assertThatExceptionOfType(IllegalStateException.class)
          .isThrownBy(() -> ImageFile.decode(file, "pair.jkimg").loadInto(k));
    }
  }

  @Test
  void aFileOfAnotherOidLayoutIsRefusedWithTheOptionThatBootsIt() throws Exception {
    byte[] file = Images.incrementPairFile();
    try (Kernel k = Kernel.create(Images.config(System.out).withOidLayout("coyotos-2007"))) {
      assertThatExceptionOfType(ImageFileException.class)
          .isThrownBy(() -> ImageFile.decode(file, "pair.jkimg").loadInto(k))
          .withMessage(
              "pair.jkimg: section KERN at byte 32: the image uses the wide OID layout and this"
                  + " kernel the coyotos-2007 layout (boot it with --oid-layout wide)");
    }
  }

  @Test
  void anImageSourceBuildsIntoAFileThatReadsBackExactly() throws Exception {
    Path src = dir.resolve("two.mki");
    Files.writeString(
        src,
        """
        module two {
          def p = new Process(PrimeBank);
          def ep = new Endpoint(PrimeBank);
          ep.recipient = p; ep.endpointID = 5;
          p.capReg[3] = enter(ep, 11);
          print "built";
        }
        """);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    byte[] bytes =
        ImageBuild.build(
            src,
            List.of(),
            KernelConfig.defaults().withCpus(1).withCpusPerNode(1),
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    assertThat(printed.toString(StandardCharsets.UTF_8)).isEqualTo("built\n");
    Path out = dir.resolve("two.jkimg");
    Files.write(out, bytes);
    assertThat(ImageFile.isImageFile(out)).isTrue();
    assertThat(ImageFile.isImageFile(src)).isFalse();
    ImageFile.Parsed parsed = ImageFile.read(out);
    assertThat(ImageFile.encode(parsed.image())).isEqualTo(bytes);
    assertThat(ImageView.of(parsed).text())
        .isEqualTo(
            """
            system (not running): 2 objects (0 pages, 0 capability pages, 0 GPTs, 1 processes, \
            1 endpoints)
            process p#0: running, not started, cpu 0
              schedule: Schedule
              reg 3: Entry -> endpoint#0 (pp b)
            endpoint#0: id 5, recipient p#0
            """);
  }

  @Test
  void aBuiltImageCarriesTheCapIdlNamesOfItsProgramsOwnInterfaces() throws Exception {
    Path kv =
        Path.of(System.getProperty("basedir", ".")).resolve("../examples/kv/kv.mki").normalize();
    byte[] bytes =
        ImageBuild.build(
            kv,
            List.of(),
            KernelConfig.defaults().withCpus(1).withCpusPerNode(1),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    ImageFile.Parsed parsed = ImageFile.decode(bytes, "kv.jkimg");
    // The jar's names resource, as jackal-maven-plugin wrote it: the methods, then the exceptions.
    assertThat(parsed.names())
        .containsExactly(
            new CapIdlName(false, 0x31455b77L, "example.KeyValue.put"),
            new CapIdlName(false, 0x6220bb98L, "example.KeyValue.size"),
            new CapIdlName(false, 0xb31ab173L, "example.KeyValue.get"),
            new CapIdlName(false, 0xf253f76cL, "example.KeyValue.readOnly"),
            new CapIdlName(true, 0x60f13f5dc10ed8d7L, "example.KeyValue.NotFound"),
            new CapIdlName(true, 0xb3de14c3ac97a868L, "example.KeyValue.Full"));
    // The names are part of the file: writing what was read gives the same bytes.
    assertThat(ImageFile.encode(parsed.image(), parsed.names())).isEqualTo(bytes);
  }

  @Test
  void aVersionOneFileWithNoNameSectionIsStillRead() throws Exception {
    byte[] v2 = Images.incrementPairFile();
    int name = Images.sectionAt(v2, "NAME");
    assertThat(name).isEqualTo(v2.length - ImageFile.SECTION_HEADER_BYTES); // empty: no names
    byte[] v1 = Arrays.copyOf(v2, name);
    ByteBuffer.wrap(v1).putShort(8, (short) 1).putInt(12, 7).putLong(16, v1.length);
    ImageFile.Parsed parsed = ImageFile.decode(Images.withChecksum(v1), "old.jkimg");
    assertThat(parsed.names()).isEmpty();
    assertThat(ImageFile.encode(parsed.image())).isEqualTo(v2);
  }
}
