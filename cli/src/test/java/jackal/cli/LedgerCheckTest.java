package jackal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectState;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The soak's check of what a store holds of the ledger, against stores a broken kernel or store
 * could leave: each damage is built into the teller's and clients' pages as it would be written,
 * and must be reported.
 */
class LedgerCheckTest {
  private static final LedgerCheck.Workload W = new LedgerCheck.Workload(0x5EEDL, 4, 3, 50, 1000);

  /** The teller's page after each client {@code c} applied its first {@code applied[c]}. */
  private static ByteBuffer teller(long[] applied) {
    LedgerCheck.Expected e = W.after(applied);
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, LedgerCheck.TELLER_MAGIC).putLong(8, 1).putLong(LedgerCheck.AT_SEED, W.seed());
    b.putLong(LedgerCheck.AT_ACCOUNTS, W.accounts()).putLong(LedgerCheck.AT_CLIENTS, W.clients());
    b.putLong(LedgerCheck.AT_TRANSFERS, W.transfers()).putLong(LedgerCheck.AT_INITIAL, W.initial());
    for (int a = 0; a < W.accounts(); a++) {
      b.putLong(LedgerCheck.AT_BALANCES + 8 * a, e.balances()[a]);
    }
    for (int c = 0; c < W.clients(); c++) {
      int r = record(c);
      b.putLong(r, applied[c]).putLong(r + 8, e.chains()[c]);
    }
    return b;
  }

  private static int record(int c) {
    return LedgerCheck.AT_BALANCES + 8 * W.accounts() + LedgerCheck.CLIENT_RECORD * c;
  }

  private static ByteBuffer client(long c, long ack) {
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    return b.putLong(0, LedgerCheck.CLIENT_MAGIC).putLong(8, c).putLong(16, ack);
  }

  private static KernelImage image(ByteBuffer... pages) {
    List<ObjectState> objects = new ArrayList<>();
    objects.add(new ObjectState.PageState(0, 0, new byte[4096])); // a page of something else
    for (int i = 0; i < pages.length; i++) {
      objects.add(new ObjectState.PageState(i + 1, 0, pages[i].array()));
    }
    return new KernelImage("wide", List.of(7L, 0L, 0L, 0L, 0L), objects, List.of());
  }

  private static KernelImage consistent(long[] applied, long[] acks) {
    return image(teller(applied), client(0, acks[0]), client(1, acks[1]), client(2, acks[2]));
  }

  @Test
  void aConsistentLedgerPassesWithTheAnswerToEachClientsLastTransferInFlightOrNot() {
    LedgerCheck.State s =
        LedgerCheck.check(consistent(new long[] {3, 0, 50}, new long[] {2, 0, 50}), null);
    assertThat(s.problems()).isEmpty();
    assertThat(s.appliedTotal()).isEqualTo(53);
  }

  @Test
  void aLedgerNotStartedYetPassesAndCountsNothing() {
    LedgerCheck.State s = LedgerCheck.check(image(client(1, 0)), null);
    assertThat(s.problems()).isEmpty();
    assertThat(s.workload()).isNull();
  }

  @Test
  void aTransferAppliedTwiceIsFoundInTheBalancesAndTheChain() {
    long[] applied = {3, 1, 0};
    ByteBuffer t = teller(applied);
    // Client 0's transfer 3 applied once more, its count left at 3.
    long d = W.draw(0, 3);
    int from = W.from(d);
    int to = W.to(d);
    long amount = LedgerCheck.Workload.amount(d);
    t.putLong(
        LedgerCheck.AT_BALANCES + 8 * from, t.getLong(LedgerCheck.AT_BALANCES + 8 * from) - amount);
    t.putLong(
        LedgerCheck.AT_BALANCES + 8 * to, t.getLong(LedgerCheck.AT_BALANCES + 8 * to) + amount);
    t.putLong(
        record(0) + 8, LedgerCheck.Workload.chain(t.getLong(record(0) + 8), 3, from, to, amount));
    LedgerCheck.State s =
        LedgerCheck.check(image(t, client(0, 3), client(1, 1), client(2, 0)), null);
    assertThat(String.join("\n", s.problems()))
        .contains("account " + from + " holds")
        .contains("client 0: the chain of its 3 applied transfers");
  }

  @Test
  void unitsMadeFromNothingBreakTheTotal() {
    ByteBuffer t = teller(new long[] {2, 2, 2});
    t.putLong(LedgerCheck.AT_BALANCES, t.getLong(LedgerCheck.AT_BALANCES) + 1);
    LedgerCheck.State s =
        LedgerCheck.check(image(t, client(0, 2), client(1, 2), client(2, 2)), null);
    assertThat(s.problems()).anyMatch(p -> p.contains("in all, not 4000"));
  }

  @Test
  void aClientThatKnowsOfMoreThanTheTellerAppliedIsAnInconsistentCut() {
    LedgerCheck.State s =
        LedgerCheck.check(consistent(new long[] {3, 0, 0}, new long[] {4, 0, 0}), null);
    assertThat(s.problems()).anyMatch(p -> p.contains("client 0 knows of transfer 4"));
    s = LedgerCheck.check(consistent(new long[] {5, 0, 0}, new long[] {3, 0, 0}), null);
    assertThat(s.problems()).anyMatch(p -> p.contains("not a consistent cut"));
  }

  @Test
  void committedTransfersGoneAfterARestartAreReportedLost() {
    LedgerCheck.State before =
        LedgerCheck.check(consistent(new long[] {9, 4, 0}, new long[] {9, 4, 0}), null);
    assertThat(before.problems()).isEmpty();
    LedgerCheck.State after =
        LedgerCheck.check(consistent(new long[] {9, 3, 0}, new long[] {9, 3, 0}), before);
    assertThat(after.problems())
        .containsExactly("client 1: 4 transfers were committed, now only 3 (committed work lost)");
    assertThat(LedgerCheck.check(image(), before).problems()).isNotEmpty();
  }

  @Test
  void anAnomalyTheTellerCountedFailsTheCheck() {
    ByteBuffer t = teller(new long[] {1, 0, 0});
    t.putLong(LedgerCheck.AT_ANOMALIES, 1);
    LedgerCheck.State s = LedgerCheck.check(image(t, client(0, 1)), null);
    assertThat(s.problems()).anyMatch(p -> p.contains("1 anomalies"));
  }

  @Test
  void aClientFinishedBeforeItsLastTransferIsFound() {
    ByteBuffer t = teller(new long[] {7, 0, 0});
    t.putLong(record(0) + 16, 1).putLong(LedgerCheck.AT_FINISHED, 1);
    LedgerCheck.State s = LedgerCheck.check(image(t, client(0, 7)), null);
    assertThat(s.problems()).anyMatch(p -> p.contains("client 0 finished after only 7"));
  }
}
