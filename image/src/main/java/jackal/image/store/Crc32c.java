package jackal.image.store;

/**
 * Arithmetic on CRC-32C values (the Castagnoli polynomial, in the reflected form {@link
 * java.util.zip.CRC32C} computes): {@link #combine} gives the CRC of two byte strings one after the
 * other from the CRC of each and the length of the second, without their bytes. The store uses it
 * to checksum a generation in one pass while a field inside it (the image's own checksum) is only
 * known at the end.
 *
 * <p>A CRC is the remainder of the message polynomial, times x^32, modulo P (with the initial and
 * final inversions, which cancel out in the combination below). Appending n bytes to A multiplies
 * A's remainder by x^(8n) mod P, so CRC(A then B) = CRC(A) * x^(8n) mod P xor CRC(B). Polynomials
 * are 32-bit words, bit 31 the coefficient of x^0 (the reflected order).
 */
final class Crc32c {
  private Crc32c() {}

  /** The polynomial, reflected. */
  private static final int POLY = 0x82F63B78;

  /** x^(2^k) mod P for k = 0..63. */
  private static final int[] X_TO_2_TO_K = new int[64];

  static {
    int p = 1 << 30; // x^1
    for (int k = 0; k < X_TO_2_TO_K.length; k++) {
      X_TO_2_TO_K[k] = p;
      p = multiply(p, p);
    }
  }

  /** a(x) b(x) mod P. */
  static int multiply(int a, int b) {
    int product = 0;
    int bit = 1 << 31; // x^0 in a
    int shifted = b; // b(x) x^i mod P, for the bit of a at x^i
    while (bit != 0) {
      if ((a & bit) != 0) {
        product ^= shifted;
      }
      bit >>>= 1;
      shifted = (shifted & 1) != 0 ? (shifted >>> 1) ^ POLY : shifted >>> 1;
    }
    return product;
  }

  /** x^(8 n) mod P: what appending n bytes multiplies a remainder by. */
  static int shiftFor(long bytes) {
    int p = 1 << 31; // x^0
    long bits = bytes;
    int k = 3; // 8 n = n 2^3
    while (bits != 0) {
      if ((bits & 1) != 0) {
        p = multiply(X_TO_2_TO_K[k & 63], p);
      }
      bits >>>= 1;
      k++;
    }
    return p;
  }

  /** The CRC-32C of A followed by B, from A's and B's CRC-32C and B's length in bytes. */
  static int combine(int crcA, int crcB, long lengthB) {
    return multiply(shiftFor(lengthB), crcA) ^ crcB;
  }
}
