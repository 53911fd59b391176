package jackal.image.file;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelImage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random damage to a valid image file (flipped bytes, with or without a repaired checksum, and
 * truncation) gives either a clean {@link ImageFileException} that loaded nothing, or, when the
 * damage left a file the kernel accepts, a loaded image: never another exception. The seed is
 * printed; set {@code -Djackal.fuzz.seed=...} to replay a run.
 */
class ImageFileFuzzTest {
  private static final int ROUNDS = 200;

  @Test
  void damagedFilesGiveOnlyCleanErrors() throws Exception {
    long seed = Long.getLong("jackal.fuzz.seed", System.nanoTime());
    System.out.println("ImageFileFuzzTest seed " + seed);
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[] good = Images.incrementPairFile();
    // Spread the flips over the small records (headers, GPTs, processes, endpoints) as well as
    // the pages, which are most of the file.
    int objectsAt = Images.sectionAt(good, "GPT ");
    int refused = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] b = good.clone();
      int mode = rnd.nextInt(3);
      if (mode == 2) {
        b = Arrays.copyOf(b, rnd.nextInt(b.length));
      } else {
        int flips = 1 + rnd.nextInt(8);
        for (int f = 0; f < flips; f++) {
          int at =
              rnd.nextBoolean()
                  ? objectsAt + rnd.nextInt(b.length - objectsAt)
                  : rnd.nextInt(b.length);
          b[at] ^= (byte) (1 + rnd.nextInt(255));
        }
        if (mode == 1 && b.length >= ImageFile.HEADER_BYTES) {
          Images.withChecksum(b);
        }
      }
      try (Kernel k = Kernel.create(Images.config(System.out).withCpus(1).withCpusPerNode(1))) {
        try {
          ImageFile.decode(b, "fuzz.jkimg").loadInto(k);
        } catch (ImageFileException e) {
          refused++;
          assertThat(e.getMessage()).as("seed %d round %d", seed, round).startsWith("fuzz.jkimg: ");
          assertThat(e.offset()).as("seed %d round %d", seed, round).isBetween(0L, (long) b.length);
          assertThat(KernelImage.exportFrom(k).objects())
              .as("seed %d round %d: a refused file loaded objects", seed, round)
              .isEmpty();
        }
      }
    }
    assertThat(refused).as("seed %d", seed).isGreaterThan(ROUNDS / 2);
  }
}
