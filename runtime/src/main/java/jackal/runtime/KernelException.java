package jackal.runtime;

import jackal.kernel.api.Codes;

/**
 * An exceptional reply: the 64-bit exception code the server or kernel answered with. The CapIDL
 * compiler generates one subclass per IDL exception (code and fields); a code no generated class
 * knows arrives as a plain {@code KernelException}.
 */
public class KernelException extends Exception {
  private static final long serialVersionUID = 1L;

  private final long code;

  public KernelException(long code) {
    super(describe(code));
    this.code = code;
  }

  /** For generated subclasses: the exception {@code code}, described as {@code message}. */
  protected KernelException(long code, String message) {
    super(message);
    this.code = code;
  }

  public long code() {
    return code;
  }

  /** A readable name for the kernel's own codes, else the hex value. */
  public static String describe(long code) {
    if (code == Codes.RC_UNKNOWN_REQUEST) {
      return "UnknownRequest";
    } else if (code == Codes.RC_REQUEST_ERROR) {
      return "RequestError";
    } else if (code == Codes.RC_NO_ACCESS) {
      return "NoAccess";
    } else if (code == Codes.RC_INVALID_CAP) {
      return "InvalidCap";
    } else if (code == Codes.RC_RANGE_RANGE_ERR) {
      return "Range.RangeErr";
    } else if (code == Codes.RC_RANGE_ALLOC_COUNT_ROLLOVER) {
      return "Range.AllocCountRollover";
    }
    return "exception 0x" + Long.toHexString(code);
  }
}
