package jackal.kernel.load.capture;

/**
 * Thrown by a capture point when a capture is requested; every capturable call site catches it,
 * saves its method's frame and throws it on, so that the program's stack empties one frame at a
 * time. One shared instance without a stack trace: unwinding allocates nothing but the frames.
 */
public final class CaptureUnwind extends RuntimeException {
  private static final long serialVersionUID = 1L;

  static final CaptureUnwind INSTANCE = new CaptureUnwind();

  private CaptureUnwind() {
    super("program stack captured", null, false, false);
  }
}
