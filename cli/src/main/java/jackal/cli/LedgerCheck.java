package jackal.cli;

import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a store's committed system holds of the ledger workload ({@code examples/ledger}), read from
 * its pages alone and checked against the workload's definition: the teller's page ("JKLEDGER": the
 * workload's numbers, every balance, and per client the transfers applied and their chain) and each
 * client's page ("JKLCLNT1": the last transfer the teller answered it).
 *
 * <p>The schedule is computed here again from its definition (the seed, the SplitMix64 finalizer,
 * the draw of each transfer and the chain), not taken from the example's classes, so a checker and
 * a workload that disagree show as a failure instead of agreeing by construction.
 *
 * <p>Checked at every generation: the total is what the accounts started with; each client's chain
 * is the chain of exactly its transfers 1..n in order (each committed transfer applied exactly
 * once); the balances are the start plus exactly those transfers; no anomaly (a transfer seen out
 * of order or twice) was counted; a client's page knows of n or n-1 transfers (the cut is
 * consistent across processes: at most the answer to the last one is in flight); and, given the
 * previous check, no client's committed count went back.
 */
final class LedgerCheck {
  static final long TELLER_MAGIC = 0x5245_4744_454C_4B4AL; // "JKLEDGER"
  static final long CLIENT_MAGIC = 0x3154_4E4C_434C_4B4AL; // "JKLCLNT1"
  static final int AT_SEED = 16;
  static final int AT_ACCOUNTS = 24;
  static final int AT_CLIENTS = 32;
  static final int AT_TRANSFERS = 40;
  static final int AT_INITIAL = 48;
  static final int AT_FINISHED = 56;
  static final int AT_ANOMALIES = 64;
  static final int AT_BALANCES = 72;
  static final int CLIENT_RECORD = 24;
  static final int MAX_ACCOUNTS = 64;
  static final int MAX_CLIENTS = 64;

  private LedgerCheck() {}

  /** The workload's numbers, as the teller wrote them. */
  record Workload(long seed, int accounts, int clients, long transfers, long initial) {

    /** The draw transfer {@code seq} of client {@code client} is made from. */
    long draw(long client, long seq) {
      return mix(seed + client * 0x9E37_79B9_7F4A_7C15L + seq * 0xD1B5_4A32_D192_ED03L);
    }

    int from(long draw) {
      return (int) ((draw >>> 1) % accounts);
    }

    int to(long draw) {
      return (int) ((from(draw) + 1 + (draw >>> 17) % (accounts - 1)) % accounts);
    }

    static long amount(long draw) {
      return 1 + (draw >>> 40) % 100;
    }

    static long chain(long chain, long seq, long from, long to, long amount) {
      return mix(mix(chain + seq) + from * 0x1_0000L + to * 0x100L + amount);
    }

    /** The balances and chains after each client {@code c} applied its first {@code n[c]}. */
    Expected after(long[] n) {
      long[] balances = new long[accounts];
      Arrays.fill(balances, initial);
      long[] chains = new long[clients];
      for (int c = 0; c < clients; c++) {
        long h = 0;
        for (long s = 1; s <= n[c]; s++) {
          long d = draw(c, s);
          int f = from(d);
          int t = to(d);
          long a = amount(d);
          balances[f] -= a;
          balances[t] += a;
          h = chain(h, s, f, t, a);
        }
        chains[c] = h;
      }
      return new Expected(balances, chains);
    }

    /** The line the teller logs when every client has finished, as an uninterrupted run ends. */
    String finalLine() {
      long[] all = new long[clients];
      Arrays.fill(all, transfers);
      Expected e = after(all);
      StringBuilder s = new StringBuilder("ledger: final balances");
      long total = 0;
      long digest = seed;
      for (long b : e.balances()) {
        total += b;
        digest = mix(digest + b);
        s.append(' ').append(b);
      }
      for (long h : e.chains()) {
        digest = mix(digest + h);
      }
      return s.append(" total ")
          .append(total)
          .append(" transfers ")
          .append(clients * transfers)
          .append(" anomalies 0 digest ")
          .append(Long.toHexString(digest))
          .toString();
    }
  }

  /** Balances and per-client chains a number of applied transfers make. */
  static final class Expected {
    private final long[] balances;
    private final long[] chains;

    Expected(long[] balances, long[] chains) {
      this.balances = balances;
      this.chains = chains;
    }

    long[] balances() {
      return balances.clone();
    }

    long[] chains() {
      return chains.clone();
    }
  }

  /**
   * What one generation holds of the ledger: its workload (null if the teller had not written its
   * book yet: the ledger has not started), per client the transfers the teller applied (zeros
   * before the start), how many clients said they have finished, and each invariant that does not
   * hold, in words.
   */
  static final class State {
    private final Workload workload;
    private final long[] applied;
    private final long finished;
    private final List<String> problems;

    State(Workload workload, long[] applied, long finished, List<String> problems) {
      this.workload = workload;
      this.applied = applied.clone();
      this.finished = finished;
      this.problems = List.copyOf(problems);
    }

    Workload workload() {
      return workload;
    }

    long[] applied() {
      return applied.clone();
    }

    long finished() {
      return finished;
    }

    List<String> problems() {
      return problems;
    }

    boolean ok() {
      return problems.isEmpty();
    }

    long appliedTotal() {
      return Arrays.stream(applied).sum();
    }
  }

  private static long word(byte[] page, int at) {
    return ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
  }

  /**
   * Reads and checks the ledger in {@code image}; {@code before} is the state the previous check of
   * the same run found (null for none), for the no-going-back check.
   */
  static State check(KernelImage image, State before) {
    List<String> problems = new ArrayList<>();
    byte[] teller = null;
    Map<Long, List<Long>> clientAcks = new TreeMap<>();
    for (ObjectState o : image.objects()) {
      if (!(o instanceof ObjectState.PageState p) || p.bytes().length < 4096) {
        continue;
      }
      long magic = word(p.bytes(), 0);
      if (magic == TELLER_MAGIC) {
        if (teller != null) {
          problems.add("two pages hold a teller's book (page#" + p.oid() + " is the second)");
        }
        teller = p.bytes();
      } else if (magic == CLIENT_MAGIC) {
        clientAcks
            .computeIfAbsent(word(p.bytes(), 8), k -> new ArrayList<>())
            .add(word(p.bytes(), 16));
      }
    }
    if (teller == null) {
      // Not started: the teller writes its book before it serves anyone, so no client has been
      // answered anything yet.
      for (Map.Entry<Long, List<Long>> e : clientAcks.entrySet()) {
        for (long ack : e.getValue()) {
          if (ack != 0) {
            problems.add(
                "client "
                    + e.getKey()
                    + " knows of transfer "
                    + ack
                    + " but no teller's book exists");
          }
        }
      }
      long[] none = before == null ? new long[0] : new long[before.applied().length];
      goneBack(before, none, problems);
      return new State(before == null ? null : before.workload(), none, 0, problems);
    }
    Workload w =
        new Workload(
            word(teller, AT_SEED),
            (int) word(teller, AT_ACCOUNTS),
            (int) word(teller, AT_CLIENTS),
            word(teller, AT_TRANSFERS),
            word(teller, AT_INITIAL));
    if (word(teller, 8) != 1
        || w.accounts() < 2
        || w.accounts() > MAX_ACCOUNTS
        || w.clients() < 1
        || w.clients() > MAX_CLIENTS
        || w.transfers() < 1
        || w.initial() < 0) {
      problems.add("the teller's book has a version or numbers this check does not know: " + w);
      return new State(null, new long[0], 0, problems);
    }
    if (before != null && before.workload() != null && !before.workload().equals(w)) {
      problems.add("the workload changed from " + before.workload() + " to " + w);
    }
    int clientsAt = AT_BALANCES + 8 * w.accounts();
    long[] applied = new long[w.clients()];
    long[] chains = new long[w.clients()];
    long finishedFlags = 0;
    for (int c = 0; c < w.clients(); c++) {
      int r = clientsAt + CLIENT_RECORD * c;
      applied[c] = word(teller, r);
      chains[c] = word(teller, r + 8);
      long fin = word(teller, r + 16);
      if (applied[c] < 0 || applied[c] > w.transfers()) {
        problems.add("client " + c + ": " + applied[c] + " transfers applied, of " + w.transfers());
        return new State(w, new long[w.clients()], 0, problems);
      }
      if (fin != 0) {
        finishedFlags++;
        if (applied[c] != w.transfers()) {
          problems.add("client " + c + " finished after only " + applied[c] + " transfers");
        }
      }
    }
    long anomalies = word(teller, AT_ANOMALIES);
    if (anomalies != 0) {
      problems.add(anomalies + " anomalies counted (a transfer seen twice or out of order)");
    }
    long finished = word(teller, AT_FINISHED);
    if (finished != finishedFlags) {
      problems.add(finished + " clients counted as finished, " + finishedFlags + " marked");
    }
    Expected e = w.after(applied);
    long[] expectedBalances = e.balances();
    long[] expectedChains = e.chains();
    long total = 0;
    for (int a = 0; a < w.accounts(); a++) {
      long b = word(teller, AT_BALANCES + 8 * a);
      total += b;
      if (b != expectedBalances[a]) {
        problems.add(
            "account "
                + a
                + " holds "
                + b
                + ", but its transfers so far make "
                + expectedBalances[a]);
      }
    }
    if (total != w.initial() * w.accounts()) {
      problems.add("the accounts hold " + total + " in all, not " + w.initial() * w.accounts());
    }
    for (int c = 0; c < w.clients(); c++) {
      if (chains[c] != expectedChains[c]) {
        problems.add(
            "client "
                + c
                + ": the chain of its "
                + applied[c]
                + " applied transfers is not the chain of its transfers 1.."
                + applied[c]
                + " (one applied twice, skipped or changed)");
      }
      List<Long> acks = clientAcks.getOrDefault((long) c, List.of());
      if (acks.size() > 1) {
        problems.add("client " + c + " has " + acks.size() + " pages");
      } else if (acks.isEmpty()) {
        if (applied[c] != 0) {
          problems.add("client " + c + " has no page, but " + applied[c] + " transfers applied");
        }
      } else {
        long ack = acks.getFirst();
        if (ack != applied[c] && ack != applied[c] - 1) {
          problems.add(
              "client "
                  + c
                  + " knows of transfer "
                  + ack
                  + " answered, the teller applied "
                  + applied[c]
                  + " (not a consistent cut)");
        }
      }
    }
    for (Long c : clientAcks.keySet()) {
      if (c < 0 || c >= w.clients()) {
        problems.add("a page of client " + c + ", which the workload does not have");
      }
    }
    goneBack(before, applied, problems);
    return new State(w, applied, finished, problems);
  }

  private static void goneBack(State before, long[] applied, List<String> problems) {
    if (before == null) {
      return;
    }
    for (int c = 0; c < before.applied().length; c++) {
      long now = c < applied.length ? applied[c] : 0;
      if (now < before.applied()[c]) {
        problems.add(
            "client "
                + c
                + ": "
                + before.applied()[c]
                + " transfers were committed, now only "
                + now
                + " (committed work lost)");
      }
    }
  }

  /** SplitMix64's finalizer. */
  static long mix(long z) {
    long x = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    x = (x ^ (x >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return x ^ (x >>> 31);
  }
}
