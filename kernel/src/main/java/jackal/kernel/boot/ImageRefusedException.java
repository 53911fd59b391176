package jackal.kernel.boot;

/**
 * An image the kernel will not load (see {@link KernelImage#loadInto}): it breaks an invariant the
 * boot API keeps. Nothing was loaded. {@link #objectIndex} and {@link #capIndex} say where, so that
 * a reader of an image file can point at the bytes at fault.
 */
public final class ImageRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What is at fault. */
  public enum Part {
    /** The image as a whole (layout, OID counters). */
    IMAGE,
    /** {@link KernelImage#objects()} at {@link #objectIndex}. */
    OBJECT,
    /** {@link KernelImage#runList()} at {@link #objectIndex}. */
    RUN_LIST
  }

  private final Part part;
  private final int objectIndex;
  private final int capIndex;

  ImageRefusedException(Part part, int objectIndex, int capIndex, String message) {
    super(message);
    this.part = part;
    this.objectIndex = objectIndex;
    this.capIndex = capIndex;
  }

  public Part part() {
    return part;
  }

  /** The index of the object or run-list entry at fault; -1 for the image as a whole. */
  public int objectIndex() {
    return objectIndex;
  }

  /** The index in {@link ObjectState#caps()} of the capability at fault, or -1. */
  public int capIndex() {
    return capIndex;
  }
}
