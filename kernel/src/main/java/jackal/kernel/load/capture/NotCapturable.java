package jackal.kernel.load.capture;

import java.util.List;
import java.util.stream.Collectors;

/** A program the capture transform refuses, with every reason it found. */
public final class NotCapturable extends Exception {
  private static final long serialVersionUID = 1L;

  private final transient List<CaptureRefusal> refusals;

  public NotCapturable(List<CaptureRefusal> refusals) {
    super(
        "program cannot be made capturable:\n  "
            + refusals.stream().map(CaptureRefusal::toString).collect(Collectors.joining("\n  ")));
    this.refusals = List.copyOf(refusals);
  }

  public List<CaptureRefusal> refusals() {
    return refusals;
  }
}
