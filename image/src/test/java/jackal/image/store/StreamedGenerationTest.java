package jackal.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.file.ImageFile;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectState;
import jackal.kernel.boot.ProgramState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generation is written as it is encoded, through two buffers, each byte checksummed once (the
 * store's write path, issue 12): the checksums combined from parts are those of the whole, and a
 * generation of many buffers, or whose program states alone fill more than one, reads back whole.
 */
class StreamedGenerationTest {
  @TempDir Path dir;

  @Test
  void combinedChecksumsEqualTheChecksumOfTheWholeAtEverySplit() {
    long seed = System.nanoTime();
    System.out.println("StreamedGenerationTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    for (int n = 0; n < 300; n++) {
      byte[] all = new byte[r.nextInt(0, 5000)];
      r.nextBytes(all);
      int split = r.nextInt(0, all.length + 1);
      CRC32C whole = new CRC32C();
      whole.update(all);
      CRC32C a = new CRC32C();
      a.update(all, 0, split);
      CRC32C b = new CRC32C();
      b.update(all, split, all.length - split);
      assertThat(Crc32c.combine((int) a.getValue(), (int) b.getValue(), all.length - split))
          .as("seed %d, %d bytes split at %d", seed, all.length, split)
          .isEqualTo((int) whole.getValue());
    }
  }

  /** An image of {@code pages} pages with random bytes, one process and one endpoint. */
  private static KernelImage image(int pages, SplittableRandom r) {
    List<ObjectState> objects = new ArrayList<>();
    for (int i = 0; i < pages; i++) {
      byte[] bytes = new byte[4096];
      r.nextBytes(bytes);
      objects.add(new ObjectState.PageState(i * 3L, i, bytes));
    }
    byte[][] noCaps = new byte[ObjectState.ProcessState.CAPS][16];
    objects.add(new ObjectState.ProcessState(2, 1, "p", 0, 0, 0, 0, 0, 0, 1, noCaps));
    objects.add(new ObjectState.EndpointState(4, 0, false, 0, 7, new byte[1][16]));
    return new KernelImage("wide", List.of(3L * pages, 0L, 0L, 3L, 5L), objects, List.of());
  }

  private static void assertSame(Store.Recovered got, KernelImage want, List<ProgramState> ps) {
    assertThat(ImageFile.encode(got.image())).isEqualTo(ImageFile.encode(want));
    assertThat(got.programs()).hasSameSizeAs(ps);
    for (int i = 0; i < ps.size(); i++) {
      assertThat(got.programs().get(i).program()).isEqualTo(ps.get(i).program());
    }
  }

  @Test
  void aGenerationOfManyBuffersAndOneWhoseProgramStatesFillMoreThanABufferReadBackWhole()
      throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    KernelImage big = image(700, r); // about 2.8 MiB: three buffers
    byte[] state = new byte[Store.CHUNK + Store.CHUNK / 2]; // the image starts in the second
    r.nextBytes(state);
    List<ProgramState> none = List.of(new ProgramState(2, true, null));
    List<ProgramState> large = List.of(new ProgramState(2, false, state));
    KernelImage small = image(3, r);
    try (Store s = Store.open(dir)) {
      s.append(ImageFile.contents(big), 10, none, true);
      assertSame(s.recover(), big, none);
      s.append(ImageFile.contents(small), 20, large, false);
    }
    try (Store s = Store.open(dir)) {
      Store.Recovered got = s.recover();
      assertThat(got.generation()).isEqualTo(2);
      assertThat(got.clock()).isEqualTo(20);
      // The second generation's pages replace the first's with the same OIDs.
      List<ObjectState> merged = new ArrayList<>(small.objects().subList(0, 3));
      merged.addAll(big.objects().subList(3, 700));
      merged.addAll(small.objects().subList(3, 5));
      assertSame(got, new KernelImage("wide", small.nextFresh(), merged, List.of()), large);
      s.compact();
      assertSame(s.recover(), new KernelImage("wide", small.nextFresh(), merged, List.of()), large);
    }
    try (Store s = Store.open(dir)) {
      assertThat(s.recover().generations()).hasSize(1);
    }
  }

  @Test
  void theStreamedImageHasTheBytesOfTheImageFileEncoder() throws Exception {
    KernelImage img = image(300, new SplittableRandom(9));
    byte[] whole = ImageFile.encode(img);
    ByteBuffer got = ByteBuffer.allocate(whole.length);
    try (Store s = Store.open(dir)) {
      s.append(ImageFile.contents(img), 0, List.of(), true);
    }
    byte[] segment = java.nio.file.Files.readAllBytes(dir.resolve(Store.segmentName(1)));
    // 40-byte head, 4-byte program-state length, 12 bytes of clock and count, then the image.
    got.put(segment, (int) Store.SEGMENT_START + Store.GEN_HEAD + 4 + 12, whole.length);
    assertThat(got.array()).isEqualTo(whole);
  }
}
