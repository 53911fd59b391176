package jackal.kernel.load.capture;

/**
 * Why a program cannot be made capturable: the class (binary name), the method (name and
 * descriptor), the bytecode offset in the class as it was given, and the reason.
 */
public record CaptureRefusal(String className, String method, int offset, String reason) {
  @Override
  public String toString() {
    return className + "." + method + " at offset " + offset + ": " + reason;
  }
}
