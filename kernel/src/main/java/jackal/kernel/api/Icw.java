package jackal.kernel.api;

/**
 * The bits of the invocation control word (parameter word 0), as the reference lays them out.
 *
 * <p>Fields: bits 0-3 {@code nr} (system call), 4-6 {@code ldw} (last data word), 7-8 {@code lsc}
 * (last sent capability), 9-10 {@code lrc} (last received capability slot). Flags from bit 11
 * upwards. Every bit above {@link #EX} is reserved and must be zero.
 */
public final class Icw {
  private Icw() {}

  public static final long NR_MASK = 0xFL;
  public static final int LDW_SHIFT = 4;
  public static final long LDW_MASK = 0x7L << LDW_SHIFT;
  public static final int LSC_SHIFT = 7;
  public static final long LSC_MASK = 0x3L << LSC_SHIFT;
  public static final int LRC_SHIFT = 9;
  public static final long LRC_MASK = 0x3L << LRC_SHIFT;

  /** Gather/scatter: unspecified, must be zero. */
  public static final long SG = 1L << 11;

  /** Alternate string: unspecified, must be zero. */
  public static final long AS = 1L << 12;

  /** Non-blocking send (in); string truncated (out). */
  public static final long NB = 1L << 13;

  /** Closed wait: accept only the endpoint ID in word 21. */
  public static final long CW = 1L << 14;

  /** Receive phase requested (cleared when a message has been received). */
  public static final long RP = 1L << 15;

  /** Send phase requested (cleared when the send is done). */
  public static final long SP = 1L << 16;

  /** Reply capability: turn an Endpoint cap in send slot 0 into an Entry cap. */
  public static final long RC = 1L << 17;

  /** Send capabilities 0..lsc. */
  public static final long SC = 1L << 18;

  /** Accept capabilities 0..lrc. */
  public static final long AC = 1L << 19;

  /** Copy out soft parameters after the receive. */
  public static final long CO = 1L << 20;

  /** The payload is an exception: word 1 holds its 64-bit code. */
  public static final long EX = 1L << 21;

  /** Every bit a valid control word may have. */
  public static final long VALID_BITS = (EX << 1) - 1;

  /** The receiver bits a delivery keeps: lrc, AS, AC and CO. */
  public static final long PRESERVE = LRC_MASK | AS | AC | CO;

  public static int nr(long icw) {
    return (int) (icw & NR_MASK);
  }

  public static int ldw(long icw) {
    return (int) ((icw & LDW_MASK) >>> LDW_SHIFT);
  }

  public static int lsc(long icw) {
    return (int) ((icw & LSC_MASK) >>> LSC_SHIFT);
  }

  public static int lrc(long icw) {
    return (int) ((icw & LRC_MASK) >>> LRC_SHIFT);
  }

  public static long makeLdw(int ldw) {
    return ((long) ldw << LDW_SHIFT) & LDW_MASK;
  }

  public static long makeLsc(int lsc) {
    return ((long) lsc << LSC_SHIFT) & LSC_MASK;
  }

  public static long makeLrc(int lrc) {
    return ((long) lrc << LRC_SHIFT) & LRC_MASK;
  }
}
