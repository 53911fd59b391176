package example.ledger;

import static java.nio.charset.StandardCharsets.UTF_8;

import example.idl.example.AccountBadTransferException;
import example.idl.example.AccountOutOfOrderException;
import example.idl.example.AccountOverdrawnException;
import example.idl.example.AccountServer;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.CapNoAccessException;
import jackal.runtime.idl.coyotos.KernLogClient;
import jackal.runtime.idl.coyotos.SysCtlClient;

/**
 * Serves one request on an account: the teller's {@link Desk} sets which account (the endpoint the
 * request came through) and which client (the payload of the capability it invoked) before each.
 * A transfer is checked (a known client, an account of the ledger, the client's next sequence
 * number, enough units), then applied to the {@link Book}. When the last client has finished, the
 * clerk logs the ledger's final state and halts the system.
 */
final class Clerk implements AccountServer {
  private final Book book;
  private final KernLogClient log;
  private final long logCap;
  private final SysCtlClient sysCtl;
  private final long sysCtlCap;

  /** The account of the request being served. */
  int account;

  /** The client of the request being served (any value a capability's payload can hold). */
  long client;

  Clerk(Book book, KernLogClient log, long logCap, SysCtlClient sysCtl, long sysCtlCap) {
    this.book = book;
    this.log = log;
    this.logCap = logCap;
    this.sysCtl = sysCtl;
    this.sysCtlCap = sysCtlCap;
  }

  /** The client of this request, or NoAccess for a payload that names none. */
  private int knownClient() throws KernelException {
    if (client < 0 || client >= Schedule.CLIENTS) {
      throw new CapNoAccessException();
    }
    return (int) client;
  }

  @Override
  public long holder() throws KernelException {
    return knownClient();
  }

  @Override
  public void transfer(long seq, long to, long amount) throws KernelException {
    int c = knownClient();
    if (to < 0 || to >= Schedule.ACCOUNTS || to == account || amount <= 0) {
      throw new AccountBadTransferException();
    }
    long applied = book.applied(c);
    if (seq != applied + 1) {
      book.anomaly();
      say("ledger: ANOMALY client " + c + " sent transfer " + seq + " after " + applied);
      throw new AccountOutOfOrderException();
    }
    if (book.balance(account) < amount) {
      throw new AccountOverdrawnException();
    }
    book.apply(c, seq, account, (int) to, amount);
  }

  @Override
  public long balance() {
    return book.balance(account);
  }

  @Override
  public void finished(long seq) throws KernelException {
    int c = knownClient();
    long applied = book.applied(c);
    if (book.isFinished(c) || seq != applied || applied != Schedule.TRANSFERS) {
      book.anomaly();
      say(
          "ledger: ANOMALY client "
              + c
              + " finished after transfer "
              + seq
              + " with "
              + applied
              + " applied"
              + (book.isFinished(c) ? ", a second time" : ""));
      throw new AccountOutOfOrderException();
    }
    book.finish(c);
    if (book.finishedClients() == Schedule.CLIENTS) {
      say(finalLine());
      sysCtl.halt(sysCtlCap);
    }
  }

  /**
   * The ledger's final state as one checkable line: the balances, their total, and a digest of
   * the balances and every client's chain.
   */
  String finalLine() {
    StringBuilder s = new StringBuilder("ledger: final");
    long total = 0;
    long digest = Schedule.SEED;
    s.append(" balances");
    for (int a = 0; a < Schedule.ACCOUNTS; a++) {
      long b = book.balance(a);
      total += b;
      digest = Schedule.mix(digest + b);
      s.append(' ').append(b);
    }
    for (int c = 0; c < Schedule.CLIENTS; c++) {
      digest = Schedule.mix(digest + book.chain(c));
    }
    s.append(" total ").append(total);
    s.append(" transfers ").append(Schedule.CLIENTS * Schedule.TRANSFERS);
    s.append(" anomalies ").append(book.anomalies());
    s.append(" digest ").append(Long.toHexString(digest));
    return s.toString();
  }

  private void say(String line) throws KernelException {
    log.log(logCap, line.getBytes(UTF_8));
  }

  /** Nobody destroys the ledger through an account. */
  @Override
  public void destroy() throws KernelException {
    throw new CapNoAccessException();
  }
}
