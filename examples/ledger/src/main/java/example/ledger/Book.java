package example.ledger;

import jackal.kernel.api.SystemCalls;

/**
 * The ledger as the teller keeps it: not in Java objects but in the teller's own data page, so
 * that what a checkpoint holds of the ledger can be read from the store's pages alone. Words are
 * little-endian longs at:
 *
 * <pre>
 *   0 MAGIC ("JKLEDGER")   8 VERSION   16 seed   24 accounts   32 clients   40 transfers per client
 *  48 initial balance   56 clients finished   64 anomalies (transfers out of order, finishes twice)
 *  72 balance of each account, then per client: transfers applied, chain, finished (0 or 1)
 * </pre>
 *
 * Every change the teller makes for one request is a run of stores with no call into program code
 * and no loop between them: the kernel stops a program only at its system calls and at the checks
 * it inserts at method entries and loop back edges, so a checkpoint sees a transfer either whole
 * or not at all.
 */
final class Book {
  /** "JKLEDGER" read as a little-endian long. */
  static final long MAGIC = 0x5245_4744_454C_4B4AL;

  static final long VERSION = 1;
  static final int AT_SEED = 16;
  static final int AT_ACCOUNTS = 24;
  static final int AT_CLIENTS = 32;
  static final int AT_TRANSFERS = 40;
  static final int AT_INITIAL = 48;
  static final int AT_FINISHED = 56;
  static final int AT_ANOMALIES = 64;
  static final int AT_BALANCES = 72;
  static final int AT_CLIENT_RECORDS = AT_BALANCES + 8 * Schedule.ACCOUNTS;
  static final int CLIENT_RECORD = 24;

  private final SystemCalls sys;
  private final long base;

  private Book(SystemCalls sys, long base) {
    this.sys = sys;
    this.base = base;
  }

  /**
   * The book at {@code base} of the teller's space, written for a new ledger if the page does not
   * hold one yet (the magic is written last).
   */
  static Book open(SystemCalls sys, long base) {
    Book b = new Book(sys, base);
    if (sys.loadLong(base) != MAGIC) {
      sys.storeLong(base + 8, VERSION);
      sys.storeLong(base + AT_SEED, Schedule.SEED);
      sys.storeLong(base + AT_ACCOUNTS, Schedule.ACCOUNTS);
      sys.storeLong(base + AT_CLIENTS, Schedule.CLIENTS);
      sys.storeLong(base + AT_TRANSFERS, Schedule.TRANSFERS);
      sys.storeLong(base + AT_INITIAL, Schedule.INITIAL);
      sys.storeLong(base + AT_FINISHED, 0);
      sys.storeLong(base + AT_ANOMALIES, 0);
      for (int a = 0; a < Schedule.ACCOUNTS; a++) {
        sys.storeLong(base + AT_BALANCES + 8L * a, Schedule.INITIAL);
      }
      for (int c = 0; c < Schedule.CLIENTS; c++) {
        long r = base + AT_CLIENT_RECORDS + (long) CLIENT_RECORD * c;
        sys.storeLong(r, 0);
        sys.storeLong(r + 8, 0);
        sys.storeLong(r + 16, 0);
      }
      sys.storeLong(base, MAGIC);
    }
    return b;
  }

  long balance(int account) {
    return sys.loadLong(base + AT_BALANCES + 8L * account);
  }

  /** Transfers of {@code client} applied so far. */
  long applied(int client) {
    return sys.loadLong(base + AT_CLIENT_RECORDS + (long) CLIENT_RECORD * client);
  }

  long chain(int client) {
    return sys.loadLong(base + AT_CLIENT_RECORDS + (long) CLIENT_RECORD * client + 8);
  }

  boolean isFinished(int client) {
    return sys.loadLong(base + AT_CLIENT_RECORDS + (long) CLIENT_RECORD * client + 16) != 0;
  }

  long finishedClients() {
    return sys.loadLong(base + AT_FINISHED);
  }

  long anomalies() {
    return sys.loadLong(base + AT_ANOMALIES);
  }

  /** Applies a checked transfer: both balances and the client's count and chain, in one run. */
  void apply(int client, long seq, int from, int to, long amount) {
    long atFrom = base + AT_BALANCES + 8L * from;
    long atTo = base + AT_BALANCES + 8L * to;
    long record = base + AT_CLIENT_RECORDS + (long) CLIENT_RECORD * client;
    long fromAfter = sys.loadLong(atFrom) - amount;
    long toAfter = sys.loadLong(atTo) + amount;
    long chainAfter = Schedule.chain(sys.loadLong(record + 8), seq, from, to, amount);
    // From here to the end: stores only.
    sys.storeLong(atFrom, fromAfter);
    sys.storeLong(atTo, toAfter);
    sys.storeLong(record + 8, chainAfter);
    sys.storeLong(record, seq);
  }

  /** Marks {@code client} finished and counts it, in one run. */
  void finish(int client) {
    long record = base + AT_CLIENT_RECORDS + (long) CLIENT_RECORD * client;
    long finished = sys.loadLong(base + AT_FINISHED) + 1;
    sys.storeLong(record + 16, 1);
    sys.storeLong(base + AT_FINISHED, finished);
  }

  /** Counts a request that should never come (a transfer seen twice or skipped). */
  void anomaly() {
    sys.storeLong(base + AT_ANOMALIES, sys.loadLong(base + AT_ANOMALIES) + 1);
  }
}
