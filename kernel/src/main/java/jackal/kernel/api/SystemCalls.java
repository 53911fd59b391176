package jackal.kernel.api;

/**
 * The trap gate of one process: the only door from a program into the kernel.
 *
 * <p>The kernel hands each process its own gate when the process starts. A gate holds no authority
 * of its own: everything a trap can reach, it reaches through the capability locations named in the
 * parameter block, resolved against the calling process's registers and space.
 */
public interface SystemCalls {
  /**
   * Executes the system call described by {@code pb}: InvokeCap, CopyCap or Yield, chosen by the
   * {@code nr} field of word 0. Returns when the call completes. A malformed call faults the
   * process, which then runs nothing until resumed.
   */
  void trap(ParameterBlock pb);

  /**
   * Loads the byte at {@code addr} of this process's address space. An address with no readable
   * data page faults the process with the code the translation gives (InvalidDataReference,
   * DataAccessTypeError, MalformedSpace...); a memory handler or the process handler gets the
   * fault, and the access is retried when the process is resumed.
   */
  byte loadByte(long addr);

  /** Stores a byte; faults as {@link #loadByte}, and with AccessViolation through RO or WK. */
  void storeByte(long addr, byte value);

  /**
   * Loads a little-endian 32-bit word; {@code addr} must be 4-aligned (else MisalignedReference).
   */
  int loadInt(long addr);

  /** Stores a little-endian 32-bit word at a 4-aligned address. */
  void storeInt(long addr, int value);

  /**
   * Loads a little-endian 64-bit word; {@code addr} must be 8-aligned (else MisalignedReference).
   */
  long loadLong(long addr);

  /** Stores a little-endian 64-bit word at an 8-aligned address. */
  void storeLong(long addr, long value);

  /**
   * Copies {@code len} bytes from address {@code addr} of this process's address space into {@code
   * dst}. An address with no readable data page faults the process with the code the translation
   * gives (InvalidDataReference, DataAccessTypeError, MalformedSpace...); the access is retried
   * when the process is resumed.
   */
  void read(long addr, byte[] dst, int off, int len);

  /**
   * Copies {@code len} bytes of {@code src} to address {@code addr} of this process's address
   * space; faults as {@link #read} does, and with AccessViolation through a read-only or weak path.
   */
  void write(long addr, byte[] src, int off, int len);
}
