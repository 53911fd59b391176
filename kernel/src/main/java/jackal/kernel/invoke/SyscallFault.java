package jackal.kernel.invoke;

/**
 * Raised before the commit point when a system call must fault its caller: the transaction is
 * abandoned with no effect and the process takes fault {@link #code} with {@link #info}.
 */
final class SyscallFault extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final int code;
  final long info;

  SyscallFault(int code, long info) {
    super(null, null, false, false);
    this.code = code;
    this.info = info;
  }
}
