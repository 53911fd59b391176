package jackal.kernel.api;

/**
 * The codes of {@code jackal.ConsoleDevice}, the Console capability's interface. It is Jackal's
 * own, not Coyotos's, so it is declared in the services' CapIDL rather than the kernel's, and the
 * kernel (which cannot depend on the services) takes its codes from the coded names directly; the
 * services' generated {@code ConsoleDeviceCodes} must agree (a test checks it).
 */
public final class ConsoleDeviceCodes {
  private ConsoleDeviceCodes() {}

  /** The interface type code. */
  public static final long IKT = CodedName.of("jackal.ConsoleDevice");

  /** {@code void write(sequence<byte, 4096> b)}. */
  public static final int OC_WRITE = CodedName.methodCode("jackal.ConsoleDevice.write");

  /** The most bytes one write takes. */
  public static final int BUF_LIMIT = 4096;
}
