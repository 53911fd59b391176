package jackal.kernel.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verified programs kept on disk ({@link VerifiedCache}): a JVM that finds an image there does not
 * verify it again and gets the same program; an entry that fails any check (a flipped byte
 * anywhere, a truncated file, another kernel build's entry put under this build's name) is refused,
 * deleted and the image verified again, so its classes are never defined unverified; an image the
 * verifier refuses is never kept. Each test forgets this JVM's verified images first, as a new JVM
 * would.
 */
class VerifiedCacheTest {
  @TempDir Path dir;

  /** A stateless class (shared by an image's processes) with a loop: a preemption check. */
  private static byte[] sum() {
    return CaptureSettingTest.shapes();
  }

  /** A class with state (a static and an instance field): each process defines its own. */
  private static byte[] counter(int seed) {
    ClassDesc self = ClassDesc.of("sample.state.Counter");
    return ClassFile.of()
        .build(
            self,
            cb ->
                cb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL)
                    .withField("total", ConstantDescs.CD_long, ClassFile.ACC_STATIC)
                    .withField("mine", ConstantDescs.CD_int, ClassFile.ACC_PRIVATE)
                    .withMethodBody(
                        ConstantDescs.INIT_NAME,
                        ConstantDescs.MTD_void,
                        ClassFile.ACC_PUBLIC,
                        code ->
                            code.aload(0)
                                .invokespecial(
                                    ConstantDescs.CD_Object,
                                    ConstantDescs.INIT_NAME,
                                    ConstantDescs.MTD_void)
                                .return_())
                    .withMethodBody(
                        "add",
                        MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code ->
                            code.getstatic(self, "total", ConstantDescs.CD_long)
                                .iload(0)
                                .i2l()
                                .ladd()
                                .ldc((long) seed)
                                .ladd()
                                .putstatic(self, "total", ConstantDescs.CD_long)
                                .return_()));
  }

  /** An image of one segment; {@code seed} makes its bytes, and so its digest, its own. */
  private static Segment image(int seed) throws IOException {
    return segment(Map.of("sample/Sum", sum(), "sample/state/Counter", counter(seed)));
  }

  private static Segment segment(Map<String, byte[]> classes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> e : classes.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey() + ".class"));
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
    return Segment.parse(bytes.toByteArray());
  }

  private ProgramLoader loader(boolean capture) {
    ProgramLoader.forgetVerified(); // as a new JVM: nothing verified in memory
    ProgramLoader l = new ProgramLoader(AllowList.standard(), capture);
    l.useCache(new VerifiedCache(dir));
    return l;
  }

  @AfterEach
  void forget() {
    ProgramLoader.forgetVerified(); // no other test is handed an image these tests made
  }

  private List<Path> entries() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(f -> f.toString().endsWith(".jvp")).toList();
    }
  }

  private static void assertSameProgram(VerifiedProgram got, VerifiedProgram want) {
    assertThat(got.digest()).isEqualTo(want.digest());
    assertThat(got.isCapturable()).isEqualTo(want.isCapturable());
    assertThat(got.sharedNames()).isEqualTo(want.sharedNames());
    assertThat(got.classFiles().keySet()).isEqualTo(want.classFiles().keySet());
    for (String n : want.classFiles().keySet()) {
      assertThat(got.classFiles().get(n)).as(n).isEqualTo(want.classFiles().get(n));
    }
    if (want.isCapturable()) {
      assertThat(got.shapes()).isEqualTo(want.shapes());
      assertThat(got.plan().classes()).isEqualTo(want.plan().classes());
      assertThat(got.plan().sites().keySet()).isEqualTo(want.plan().sites().keySet());
      want.plan()
          .sites()
          .forEach((m, at) -> assertThat(got.plan().sites().get(m)).as(m).isEqualTo(at));
      want.plan()
          .passages()
          .forEach((m, at) -> assertThat(got.plan().passages().get(m)).as(m).isEqualTo(at));
    }
  }

  @Test
  void anImageVerifiedInOneJvmIsFoundByTheNextWithoutBeingVerifiedAgain() throws IOException {
    for (boolean capture : new boolean[] {true, false}) {
      Segment seg = image(capture ? 1 : 2);
      ProgramLoader first = loader(capture);
      VerifiedProgram made = first.verify(List.of(seg));
      assertThat(first.verifications()).isEqualTo(1);
      assertThat(first.cache().written()).isEqualTo(1);
      assertThat(made.isShared("sample.Sum")).isTrue();
      assertThat(made.isShared("sample.state.Counter")).isFalse();

      ProgramLoader next = loader(capture);
      VerifiedProgram found = next.verify(List.of(seg));
      assertThat(next.verifications()).as("capture %s", capture).isZero();
      assertThat(next.cache().hits()).isEqualTo(1);
      assertSameProgram(found, made);
      // the program's classes define as the verified ones do
      assertThat(found.definable("sample.state.Counter"))
          .isEqualTo(made.definable("sample.state.Counter"));
    }
  }

  @Test
  void theSameImageIsKeptApartWithAndWithoutCapture() throws IOException {
    Segment seg = image(3);
    loader(true).verify(List.of(seg));
    ProgramLoader plain = loader(false);
    VerifiedProgram p = plain.verify(List.of(seg));
    assertThat(plain.verifications()).as("the capturable entry is not the plain one").isEqualTo(1);
    assertThat(p.isCapturable()).isFalse();
    assertThat(entries()).hasSize(2);
  }

  @Test
  void anEntryWithAByteFlippedAnywhereIsRefusedDeletedAndTheImageVerifiedAgain()
      throws IOException {
    for (boolean capture : new boolean[] {true, false}) {
      for (Path e : entries()) {
        Files.delete(e); // the other setting's entry, from the loop's first turn
      }
      Segment seg = image(capture ? 4 : 14);
      VerifiedProgram made = loader(capture).verify(List.of(seg));
      Path entry = entries().getFirst();
      byte[] good = Files.readAllBytes(entry);
      // the head (the flags at 10-11 among it: a plain entry's rewritten bit cleared or set), the
      // key, the digest, a class file's bytes, the plan, and the checksum itself
      int[] offsets = {
        0, 9, 11, 13, 20, 60, good.length / 3, good.length / 2, good.length - 40, good.length - 1
      };
      for (int at : offsets) {
        for (int bit : new int[] {0x10, 0x02}) {
          byte[] bad = good.clone();
          bad[at] ^= (byte) bit;
          Files.write(entry, bad);
          ProgramLoader l = loader(capture);
          VerifiedProgram p = l.verify(List.of(seg));
          String what = "capture " + capture + ", byte " + at + " ^ " + bit;
          assertThat(l.cache().refused()).as(what).isEqualTo(1);
          assertThat(l.cache().hits()).as(what).isZero();
          assertThat(l.verifications()).as("verified again: %s", what).isEqualTo(1);
          assertSameProgram(p, made);
          assertThat(Files.readAllBytes(entry)).as("written again whole").isEqualTo(good);
        }
      }
    }
  }

  @Test
  void aPlainImageKeptOnDiskHoldsItsClassesRewrittenSoTheNextJvmRewritesNone() throws IOException {
    Segment seg = image(15);
    VerifiedProgram made = loader(false).verify(List.of(seg));
    assertThat(made.isCapturable()).isFalse();
    assertThat(made.isPrepared()).as("rewritten when verified, to be kept so").isTrue();

    ProgramLoader next = loader(false); // a new JVM: nothing rewritten in memory either
    long before = RewriteMemo.rewrites();
    VerifiedProgram found = next.verify(List.of(seg));
    assertThat(next.cache().hits()).isEqualTo(1);
    assertThat(found.isPrepared()).isTrue();
    for (String n : List.of("sample.Sum", "sample.state.Counter")) {
      byte[] original = seg.classes().get(n.replace('.', '/'));
      assertThat(found.definable(n)).as(n).isEqualTo(ProgramRewriter.rewrite(original));
    }
    assertThat(RewriteMemo.rewrites() - before).as("classes rewritten by the second JVM").isZero();
  }

  @Test
  void aClassFileInTwoImagesIsRewrittenOnceInAJvmAndEachImageGetsItsOwnOtherClasses()
      throws IOException {
    ProgramLoader.forgetVerified();
    ProgramLoader l = new ProgramLoader(AllowList.standard(), false); // in memory: lazy rewrites
    VerifiedProgram a = l.verify(List.of(image(16)));
    VerifiedProgram b = l.verify(List.of(image(17)));
    long before = RewriteMemo.rewrites();
    byte[] sumA = a.definable("sample.Sum");
    byte[] sumB = b.definable("sample.Sum");
    assertThat(RewriteMemo.rewrites() - before).as("sample.Sum, the same bytes in both").isOne();
    assertThat(sumB).isEqualTo(sumA).isEqualTo(ProgramRewriter.rewrite(sum()));
    byte[] counterA = a.definable("sample.state.Counter");
    byte[] counterB = b.definable("sample.state.Counter");
    assertThat(RewriteMemo.rewrites() - before).as("each image's own Counter").isEqualTo(3);
    assertThat(counterA).isEqualTo(ProgramRewriter.rewrite(counter(16)));
    assertThat(counterB).isEqualTo(ProgramRewriter.rewrite(counter(17))).isNotEqualTo(counterA);
  }

  @Test
  void aTruncatedOrEmptyEntryIsRefusedAndTheImageVerifiedAgain() throws IOException {
    Segment seg = image(5);
    loader(true).verify(List.of(seg));
    Path entry = entries().getFirst();
    byte[] good = Files.readAllBytes(entry);
    for (int length : new int[] {0, 10, 48, good.length / 2, good.length - 1}) {
      Files.write(entry, java.util.Arrays.copyOf(good, length));
      ProgramLoader l = loader(true);
      l.verify(List.of(seg));
      assertThat(l.cache().refused()).as("%d bytes", length).isEqualTo(1);
      assertThat(l.verifications()).isEqualTo(1);
    }
  }

  @Test
  void anotherKernelBuildsEntryIsIgnoredEvenCopiedUnderThisBuildsName() throws IOException {
    Segment seg = image(6);
    ProgramLoader.forgetVerified();
    ProgramLoader other = new ProgramLoader(AllowList.standard(), true);
    VerifiedCache otherCache = new VerifiedCache(dir, "another verifier");
    other.useCache(otherCache);
    other.verify(List.of(seg));
    Path theirs = entries().getFirst();

    ProgramLoader ours = loader(true);
    ours.verify(List.of(seg));
    assertThat(ours.cache().hits()).as("another build's entry has another name").isZero();
    assertThat(ours.verifications()).isEqualTo(1);
    Path mine = entries().stream().filter(f -> !f.equals(theirs)).findFirst().orElseThrow();

    // An attacker (or a careless copy) puts the other build's whole, well-checksummed entry under
    // this build's name: the key inside it does not match.
    Files.copy(theirs, mine, StandardCopyOption.REPLACE_EXISTING);
    ProgramLoader again = loader(true);
    again.verify(List.of(seg));
    assertThat(again.cache().refused()).isEqualTo(1);
    assertThat(again.cache().lastRefusal()).contains("another key");
    assertThat(again.verifications()).isEqualTo(1);
  }

  @Test
  void anEntryForAnotherImageUnderThisImagesNameIsRefused() throws IOException {
    Segment a = image(7);
    Segment b = image(8);
    loader(true).verify(List.of(a));
    Path entryA = entries().getFirst();
    loader(true).verify(List.of(b));
    Path entryB = entries().stream().filter(f -> !f.equals(entryA)).findFirst().orElseThrow();
    Files.copy(entryA, entryB, StandardCopyOption.REPLACE_EXISTING); // B's name, A's classes
    ProgramLoader l = loader(true);
    VerifiedProgram p = l.verify(List.of(b));
    assertThat(l.cache().refused()).isEqualTo(1);
    assertThat(l.verifications()).isEqualTo(1);
    assertThat(p.definable("sample.state.Counter"))
        .as("B's classes, not A's")
        .isEqualTo(loader(true).verify(List.of(b)).definable("sample.state.Counter"));
  }

  @Test
  void anImageTheVerifierRefusesIsNeverKeptAndIsRefusedAgainNextTime() throws IOException {
    // A class calling System.exit: not on the allow-list.
    byte[] exits =
        ClassFile.of()
            .build(
                ClassDesc.of("sample.Exits"),
                cb ->
                    cb.withMethodBody(
                        "go",
                        ConstantDescs.MTD_void,
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        code ->
                            code.iconst_0()
                                .invokestatic(
                                    ClassDesc.of("java.lang.System"),
                                    "exit",
                                    MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int))
                                .return_()));
    Segment seg = segment(Map.of("sample/Exits", exits));
    for (int run = 0; run < 2; run++) {
      ProgramLoader l = loader(true);
      assertThatThrownBy(() -> l.verify(List.of(seg))).isInstanceOf(LoadFailure.class);
      assertThat(entries()).isEmpty();
    }
  }

  @Test
  void aCacheThatCannotBeWrittenOnlyMisses() throws IOException {
    Path file = dir.resolve("not-a-directory");
    Files.writeString(file, "x");
    ProgramLoader.forgetVerified();
    ProgramLoader l = new ProgramLoader(AllowList.standard(), true);
    l.useCache(new VerifiedCache(file));
    VerifiedProgram p = l.verify(List.of(image(9)));
    assertThat(p.isCapturable()).isTrue();
    assertThat(l.cache().written()).isZero();
  }
}
