package jackal.image.boot;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.KernelConfig;
import jackal.runtime.DefaultImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default image kept built ({@link BuiltImageCache}): the second run boots the kept build and
 * prints what the first printed; a changed source is built again; a kept entry with any byte
 * changed, one whose checksum an attacker recomputed over a broken image file, and one copied under
 * another source's name are each refused, deleted and built again from source, so the system that
 * boots is always the one the source makes.
 */
class BuiltImageCacheTest {
  @TempDir Path dir;

  /** What one run printed and how it ended, with the cache it used. */
  private record Run(int status, String console, String errors, BuiltImageCache cache) {
    /** The tour's own lines, in order. */
    List<String> tourLines() {
      return console.lines().filter(l -> l.startsWith("tour:")).toList();
    }
  }

  /** The tour's source with a {@code print} of {@code word} first, so each source is its own. */
  private static String tour(String word) throws IOException {
    String source = Files.readString(ImageBoot.resource(ImageBoot.TOUR));
    String withPrint = source.replace("module tour {", "module tour {\n  print \"" + word + "\";");
    assertThat(withPrint).isNotEqualTo(source);
    return withPrint;
  }

  private Run run(String source) throws InterruptedException {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(errors, true, StandardCharsets.UTF_8);
    KernelConfig cfg = KernelConfig.defaults().withConsole(out).withProgramCache(dir);
    BuiltImageCache cache = new BuiltImageCache(dir.resolve(ImageBoot.BUILT_IMAGES));
    int status =
        ImageBoot.runBuilt(cache, "tour.mki", source, cfg, err, DefaultImage.Observer.NONE);
    return new Run(
        status,
        console.toString(StandardCharsets.UTF_8),
        errors.toString(StandardCharsets.UTF_8),
        cache);
  }

  private List<Path> entries() throws IOException {
    Path d = dir.resolve(ImageBoot.BUILT_IMAGES);
    if (!Files.isDirectory(d)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(d)) {
      return s.filter(f -> f.toString().endsWith(".jbi")).toList();
    }
  }

  private static void assertWholeTour(Run r, String word) {
    assertThat(r.status()).as(r.console() + r.errors()).isZero();
    assertThat(r.console().lines().filter(l -> l.equals(word))).as(r.console()).hasSize(1);
    assertThat(r.tourLines()).hasSize(6).last().isEqualTo("tour: done; halting through SysCtl");
  }

  @Test
  void theTourIsBuiltOnceAndTheNextRunBootsTheKeptBuildPrintingWhatTheBuildPrinted()
      throws Exception {
    String source = tour("built once");
    Run first = run(source);
    assertWholeTour(first, "built once");
    assertThat(first.cache().misses()).isOne();
    assertThat(first.cache().written()).isOne();

    Run second = run(source);
    assertWholeTour(second, "built once");
    assertThat(second.cache().hits()).isOne();
    assertThat(second.cache().written()).as("nothing built").isZero();
    assertThat(second.tourLines()).isEqualTo(first.tourLines());
    assertThat(entries()).hasSize(1);
  }

  @Test
  void aChangedSourceIsBuiltAgainAndNeverBootsTheOldSourcesBuild() throws Exception {
    run(tour("source A"));
    Run changed = run(tour("source B"));
    assertWholeTour(changed, "source B");
    assertThat(changed.console()).doesNotContain("source A");
    assertThat(changed.cache().hits()).isZero();
    assertThat(changed.cache().misses()).isOne();
    assertThat(entries()).as("one entry per source").hasSize(2);
  }

  @Test
  void aKeptBuildWithAnyByteChangedIsRefusedDeletedAndTheImageBuiltAgain() throws Exception {
    String source = tour("flipped");
    run(source);
    Path entry = entries().getFirst();
    byte[] good = Files.readAllBytes(entry);
    // the magic, the version, the printed length, the key, the printed text, the image file
    // (its header and its middle), and the checksum itself
    for (int at : new int[] {0, 9, 14, 20, 50, 80, good.length / 2, good.length - 1}) {
      byte[] bad = good.clone();
      bad[at] ^= 0x04;
      Files.write(entry, bad);
      Run r = run(source);
      assertThat(r.cache().refused()).as("byte %d", at).isOne();
      assertThat(r.cache().hits()).isZero();
      assertThat(r.cache().written()).as("built again").isOne();
      assertWholeTour(r, "flipped");
      assertThat(Files.readAllBytes(entry)).as("kept again, whole").isEqualTo(good);
    }
  }

  @Test
  void anAttackerWhoRecomputesTheChecksumOverABrokenImageFileIsRefusedByTheImageFilesOwnChecks()
      throws Exception {
    String source = tour("forged");
    run(source);
    Path entry = entries().getFirst();
    byte[] good = Files.readAllBytes(entry);
    for (int at : new int[] {200, good.length / 2, good.length - 100}) {
      byte[] forged = good.clone();
      forged[at] ^= 0x01; // inside the image file: an object's bytes, or its own CRC
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(forged, 0, forged.length - 32);
      System.arraycopy(md.digest(), 0, forged, forged.length - 32, 32);
      Files.write(entry, forged);
      Run r = run(source);
      assertThat(r.cache().refused()).as("byte %d", at).isOne();
      assertThat(r.cache().lastRefusal()).contains("refused");
      assertWholeTour(r, "forged");
      assertThat(Files.readAllBytes(entry)).isEqualTo(good);
    }
  }

  @Test
  void anotherSourcesBuildCopiedUnderThisSourcesNameIsRefused() throws Exception {
    run(tour("mine"));
    Path mine = entries().getFirst();
    run(tour("theirs"));
    Path theirs = entries().stream().filter(f -> !f.equals(mine)).findFirst().orElseThrow();
    byte[] good = Files.readAllBytes(mine);
    Files.copy(theirs, mine, StandardCopyOption.REPLACE_EXISTING);
    Run r = run(tour("mine"));
    assertThat(r.cache().refused()).isOne();
    assertThat(r.cache().lastRefusal()).contains("another key");
    assertWholeTour(r, "mine");
    assertThat(r.console()).doesNotContain("theirs");
    assertThat(Arrays.equals(Files.readAllBytes(mine), good)).isTrue();
  }

  @Test
  void withoutAProgramCacheTheTourIsBuiltFromSourceAndNothingIsKept() throws Exception {
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
    int status = ImageBoot.runDefault(KernelConfig.defaults().withConsole(out), System.err);
    assertThat(status).isZero();
    assertThat(console.toString(StandardCharsets.UTF_8)).contains("tour: done");
    assertThat(entries()).isEmpty();
  }
}
