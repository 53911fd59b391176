package example.ledger;

/**
 * The ledger's workload, the same for every run: how many accounts and clients, what each account
 * holds at the start, and which transfers each client makes, drawn from {@link #SEED}. Transfer
 * {@code seq} of client {@code c} is a pure function of {@code (SEED, c, seq)}, so a checker that
 * knows these numbers (they are written into the teller's page) knows every transfer without
 * reading any log.
 *
 * <p>{@link #INITIAL} is larger than everything all clients together could ever take from one
 * account ({@code CLIENTS * TRANSFERS * MAX_AMOUNT}), so no transfer is refused as overdrawn and
 * the final balances do not depend on the order in which the clients' transfers interleave: an
 * uninterrupted run has one known result.
 */
public final class Schedule {
  private Schedule() {}

  /** The seed of every client's transfers. */
  public static final long SEED = 0x1ED6_E25E_ED00_0012L;

  public static final int ACCOUNTS = 8;
  public static final int CLIENTS = 4;

  /** Transfers each client makes, numbered 1 to TRANSFERS. */
  public static final long TRANSFERS = 5_000;

  /** Units in each account at the start. */
  public static final long INITIAL = 10_000_000L;

  /** A transfer moves 1 to MAX_AMOUNT units. */
  public static final long MAX_AMOUNT = 100;

  /** The draw transfer {@code seq} of client {@code client} is made from. */
  public static long draw(long client, long seq) {
    return mix(SEED + client * 0x9E37_79B9_7F4A_7C15L + seq * 0xD1B5_4A32_D192_ED03L);
  }

  /** The account a draw takes from. */
  public static int from(long draw) {
    return (int) ((draw >>> 1) % ACCOUNTS);
  }

  /** The account a draw gives to: never the one it takes from. */
  public static int to(long draw) {
    return (int) ((from(draw) + 1 + (draw >>> 17) % (ACCOUNTS - 1)) % ACCOUNTS);
  }

  /** The units a draw moves. */
  public static long amount(long draw) {
    return 1 + (draw >>> 40) % MAX_AMOUNT;
  }

  /**
   * A client's chain after one more applied transfer: the teller keeps one per client, so the
   * transfers it applied, their order and their contents are checked by recomputing the chain.
   */
  public static long chain(long chain, long seq, long from, long to, long amount) {
    return mix(mix(chain + seq) + from * 0x1_0000L + to * 0x100L + amount);
  }

  /** SplitMix64's finalizer. */
  public static long mix(long z) {
    long x = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    x = (x ^ (x >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return x ^ (x >>> 31);
  }
}
