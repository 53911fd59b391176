package jackal.kernel.load;

import jackal.kernel.api.FaultCode;
import jackal.kernel.load.capture.CaptureRefusal;
import java.util.List;

/**
 * Why a program image cannot be loaded: a malformed or oversized image ({@link
 * FaultCode#BAD_PROGRAM_IMAGE}), or code the verifier refuses ({@link FaultCode#PROGRAM_REFUSED},
 * with the {@link Refusal} saying where). The boot API turns it into a checked exception; a process
 * whose image fails to load takes the fault.
 */
public final class LoadFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int faultCode;
  private final transient Refusal refusal;

  private LoadFailure(int faultCode, String message, Refusal refusal) {
    super(message, null, false, false);
    this.faultCode = faultCode;
    this.refusal = refusal;
  }

  static LoadFailure badImage(String message) {
    return new LoadFailure(FaultCode.BAD_PROGRAM_IMAGE, "bad program image: " + message, null);
  }

  /** A BAD_IMAGE failure, for the boot API's own checks. */
  public static LoadFailure badImageFailure(String message) {
    return badImage(message);
  }

  static LoadFailure refused(Refusal r) {
    return new LoadFailure(FaultCode.PROGRAM_REFUSED, r.toString(), r);
  }

  /**
   * A program that cannot be made capturable (docs/PERSISTENCE.md): refused like a verifier
   * refusal, naming the first place (class, method, offset) with its reason, and listing the rest.
   */
  static LoadFailure notCapturable(List<CaptureRefusal> all) {
    CaptureRefusal first = all.getFirst();
    Refusal r =
        new Refusal(
            first.className(),
            first.method(),
            first.offset(),
            "",
            "cannot be made capturable: " + first.reason());
    StringBuilder m = new StringBuilder(r.toString());
    for (CaptureRefusal more : all.subList(1, all.size())) {
      m.append("\n  and ").append(more);
    }
    return new LoadFailure(FaultCode.PROGRAM_REFUSED, m.toString(), r);
  }

  /** The fault a process takes for this failure. */
  public int faultCode() {
    return faultCode;
  }

  /** Where the verifier refused the program; null for a malformed image. */
  public Refusal refusal() {
    return refusal;
  }
}
