package jackal.kernel.load;

/**
 * Bounds on a program image, checked before the work they bound: a hostile image costs the kernel
 * at most these, and breaking one is a clear BAD_IMAGE failure.
 */
public final class ImageLimits {
  private ImageLimits() {}

  public static final int MAX_SEGMENTS = 14;
  public static final int MAX_ENTRY_NAME = 512;

  /** Bytes of one segment as stored (compressed). */
  public static final long MAX_SEGMENT_BYTES = 16L << 20;

  /** Bytes of all segments together, as stored. */
  public static final long MAX_IMAGE_BYTES = 32L << 20;

  /** Entries of one jar, class files or not (a zip of a million empty entries is refused). */
  public static final int MAX_ENTRIES = 8192;

  /** Class files of a whole image. */
  public static final int MAX_CLASSES = 8192;

  /** Bytes of one class file, inflated. */
  public static final int MAX_CLASS_BYTES = 1 << 20;

  /** Bytes of all entries of one jar, inflated: what stops a zip bomb. */
  public static final long MAX_INFLATED_BYTES = 64L << 20;
}
