package jackal.runtime;

/**
 * Little-endian values inside an indirect string, for the generated stubs: a parameter that did not
 * fit the data words is laid into the string with its C size (1, 2, 4 or 8 bytes), as on a 64-bit
 * little-endian target.
 */
final class IdlBytes {
  private IdlBytes() {}

  /** Writes the low {@code size} bytes of {@code v} at {@code off}. */
  static void put(byte[] b, int off, int size, long v) {
    for (int i = 0; i < size; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  /** Reads {@code size} bytes at {@code off}, zero-extended. */
  static long get(byte[] b, int off, int size) {
    long v = 0;
    for (int i = 0; i < size; i++) {
      v |= (b[off + i] & 0xFFL) << (8 * i);
    }
    return v;
  }
}
