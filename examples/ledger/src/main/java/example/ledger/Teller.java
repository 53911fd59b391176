package example.ledger;

import example.idl.example.AccountSkeleton;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.ServerLoop;
import jackal.runtime.idl.coyotos.KernLogClient;
import jackal.runtime.idl.coyotos.SysCtlClient;

/**
 * The ledger's server: the recipient of one endpoint per account (account {@code a} has endpoint
 * ID {@code FIRST_ACCOUNT_ID + a}); each client holds an entry capability to every account, with
 * its client number as protected payload. The ledger itself lives in the teller's data page
 * ({@link Book}). Its image gives it KernLog in {@link #LOG} and SysCtl in {@link #SYSCTL}: when
 * the last client has finished it logs the final state and halts the system.
 */
public final class Teller implements ProgramEntry {
  public static final int LOG = CapReg.APP0;
  public static final int SYSCTL = CapReg.APP0 + 1;

  /** The endpoint ID of account 0; account a's is this plus a. */
  public static final long FIRST_ACCOUNT_ID = 16;

  /** Where the book is in the teller's space (its data page). */
  static final long BOOK = 0;

  /** The string area of its log lines, in the same page after the book. */
  static final long LOG_AREA = 1024;

  static final int LOG_AREA_SIZE = 1024;

  /** The loader makes one for the process. */
  public Teller() {}

  @Override
  public void run(SystemCalls sys) {
    Book book = Book.open(sys, BOOK);
    Clerk clerk =
        new Clerk(
            book,
            new KernLogClient(new Ipc(sys)).stringArea(LOG_AREA, LOG_AREA_SIZE),
            CapReg.loc(LOG),
            new SysCtlClient(new Ipc(sys)),
            CapReg.loc(SYSCTL));
    Desk desk = new Desk(clerk, new AccountSkeleton(clerk));
    ServerLoop loop = new ServerLoop(new Ipc(sys));
    for (int a = 0; a < Schedule.ACCOUNTS; a++) {
      loop.register(FIRST_ACCOUNT_ID + a, desk);
    }
    loop.run();
  }
}
