package jackal.kernel.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The program image header: what a process's PC points at, the Jackal counterpart of an ELF header.
 * Little-endian, like every word of an address space:
 *
 * <pre>
 *   0  u64  magic "JKLPROG1"
 *   8  u32  version (1)
 *  12  u32  number of segments n (1..{@link ImageLimits#MAX_SEGMENTS})
 *  16  u32  length of the entry class name in UTF-8 bytes (1..{@link ImageLimits#MAX_ENTRY_NAME})
 *  20  u32  reserved, 0
 *  24  n x { u64 address, u64 length }   each segment: a jar, in pages of the same space
 *  24 + 16n  the entry class name (binary name, e.g. "app.Main")
 * </pre>
 *
 * Segments are searched in order when a class is looked up; a class may be defined by only one.
 */
public final class ImageFormat {
  private ImageFormat() {}

  public static final long MAGIC = 0x3147_4F52_504C_4B4AL; // "JKLPROG1" read little-endian
  public static final int VERSION = 1;
  public static final int FIXED_BYTES = 24;
  public static final int SEGMENT_BYTES = 16;

  /** One segment of an image: a jar of {@code length} bytes at {@code address}. */
  public record SegmentAt(long address, long length) {}

  /** A decoded header. */
  public record Header(String entry, List<SegmentAt> segments) {}

  /** Encodes a header; the arguments must already be within {@link ImageLimits}. */
  public static byte[] encode(String entry, SegmentAt[] segments) {
    byte[] name = entry.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(FIXED_BYTES + SEGMENT_BYTES * segments.length + name.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(MAGIC).putInt(VERSION).putInt(segments.length).putInt(name.length).putInt(0);
    for (SegmentAt s : segments) {
      b.putLong(s.address()).putLong(s.length());
    }
    b.put(name);
    return b.array();
  }

  /**
   * The number of bytes the whole header takes, from its fixed part; a bad fixed part is a {@link
   * LoadFailure} of kind BAD_IMAGE.
   */
  public static int totalBytes(byte[] fixed) {
    ByteBuffer b = ByteBuffer.wrap(fixed, 0, FIXED_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    if (b.getLong() != MAGIC) {
      throw LoadFailure.badImage("no program image header (bad magic)");
    }
    int version = b.getInt();
    if (version != VERSION) {
      throw LoadFailure.badImage("program image version " + version + " (expected 1)");
    }
    int n = b.getInt();
    int nameLen = b.getInt();
    int reserved = b.getInt();
    if (n < 1 || n > ImageLimits.MAX_SEGMENTS) {
      throw LoadFailure.badImage(
          "program image has " + n + " segments (1.." + ImageLimits.MAX_SEGMENTS + ")");
    }
    if (nameLen < 1 || nameLen > ImageLimits.MAX_ENTRY_NAME) {
      throw LoadFailure.badImage(
          "entry class name of " + nameLen + " bytes (1.." + ImageLimits.MAX_ENTRY_NAME + ")");
    }
    if (reserved != 0) {
      throw LoadFailure.badImage("reserved header word is not 0");
    }
    return FIXED_BYTES + SEGMENT_BYTES * n + nameLen;
  }

  /** Decodes a whole header (checked by {@link #totalBytes} first) and bounds its segments. */
  public static Header decode(byte[] header) {
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int total = totalBytes(header);
    if (header.length != total) {
      throw LoadFailure.badImage("program image header is " + header.length + " bytes");
    }
    b.position(12);
    int n = b.getInt();
    int nameLen = b.getInt();
    b.position(FIXED_BYTES);
    SegmentAt[] segs = new SegmentAt[n];
    long sum = 0;
    for (int i = 0; i < n; i++) {
      long addr = b.getLong();
      long len = b.getLong();
      if (len <= 0 || len > ImageLimits.MAX_SEGMENT_BYTES) {
        throw LoadFailure.badImage(
            "segment " + i + " is " + len + " bytes (1.." + ImageLimits.MAX_SEGMENT_BYTES + ")");
      }
      if (addr + len < addr) {
        throw LoadFailure.badImage("segment " + i + " wraps the address space");
      }
      sum += len;
      segs[i] = new SegmentAt(addr, len);
    }
    if (sum > ImageLimits.MAX_IMAGE_BYTES) {
      throw LoadFailure.badImage(
          "segments total " + sum + " bytes (at most " + ImageLimits.MAX_IMAGE_BYTES + ")");
    }
    byte[] name = new byte[nameLen];
    b.get(name);
    String entry = new String(name, StandardCharsets.UTF_8);
    if (!ClassNames.isBinaryName(entry)) {
      throw LoadFailure.badImage("entry '" + entry + "' is not a class name");
    }
    return new Header(entry, List.of(segs));
  }
}
