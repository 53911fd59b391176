package jackal.image.file;

import jackal.kernel.boot.Halt;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.DefaultImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/** Known images for the file tests, and ways to boot them. */
final class Images {
  private Images() {}

  static KernelConfig config(PrintStream console) {
    return KernelConfig.defaults().withCpus(2).withCpusPerNode(2).withConsole(console);
  }

  /**
   * The increment pair (the built-in image's programs): a server, and a client that calls it three
   * times, logs each answer and halts through SysCtl. Started in {@code k}, not booted.
   */
  static void incrementPair(Kernel k) {
    for (ObjectRef p : DefaultImage.incrementPair(k)) {
      k.start(p);
    }
  }

  /** The increment pair's image file. */
  static byte[] incrementPairFile() throws Exception {
    try (Kernel k = Kernel.create(config(System.out))) {
      incrementPair(k);
      return ImageFile.encode(KernelImage.exportFrom(k));
    }
  }

  /** What a booted system logged and how it stopped. */
  record Outcome(Optional<Halt> halt, List<String> log) {}

  /** Boots {@code k}'s builder (its console writing to {@code console}) until it halts. */
  static Outcome boot(Kernel k, ByteArrayOutputStream console) throws InterruptedException {
    Optional<Halt> how;
    try (Kernel running = k.boot()) {
      how = running.awaitHalt(Duration.ofSeconds(20));
    }
    // The kernel log's writer thread copies lines out after the halt: wait for the last one.
    long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
    while (!console.toString(StandardCharsets.UTF_8).contains("client: done")
        && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    return new Outcome(how, console.toString(StandardCharsets.UTF_8).lines().toList());
  }

  /** {@code bytes} with its checksum made right again (so a test reaches the checks after it). */
  static byte[] withChecksum(byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    b.putInt(ImageFile.CHECKSUM_AT, 0);
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    b.putInt(ImageFile.CHECKSUM_AT, (int) crc.getValue());
    return bytes;
  }

  /** The byte offset of section {@code tag}'s header in a valid file. */
  static int sectionAt(byte[] bytes, String tag) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int at = ImageFile.HEADER_BYTES;
    for (; ; ) {
      String t = new String(bytes, at, 4, StandardCharsets.US_ASCII);
      if (t.equals(tag)) {
        return at;
      }
      at += ImageFile.SECTION_HEADER_BYTES + (int) b.getLong(at + 8);
    }
  }
}
