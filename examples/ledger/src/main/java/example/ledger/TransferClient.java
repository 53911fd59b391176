package example.ledger;

import example.idl.example.AccountClient;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * A client of the ledger: its image gives it an entry capability to every account, account
 * {@code a} in register {@code APP0 + a}, each with the client's number as payload. It asks which
 * client it is, then makes its transfers in order ({@link Schedule}), and says it has finished.
 * After each transfer the teller has answered, it writes the transfer's number into its own data
 * page ("JKLCLNT1", client, last transfer answered), so a checkpoint shows how far it knows it got.
 */
public final class TransferClient implements ProgramEntry {
  /** "JKLCLNT1" read as a little-endian long. */
  static final long MAGIC = 0x3154_4E4C_434C_4B4AL;

  static final long PAGE = 0;

  /** The loader makes one for the process. */
  public TransferClient() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    AccountClient accounts = new AccountClient(new Ipc(sys));
    long me = accounts.holder(account(0));
    sys.storeLong(PAGE + 8, me);
    sys.storeLong(PAGE + 16, 0);
    sys.storeLong(PAGE, MAGIC);
    for (long seq = 1; seq <= Schedule.TRANSFERS; seq++) {
      long draw = Schedule.draw(me, seq);
      accounts.transfer(
          account(Schedule.from(draw)), seq, Schedule.to(draw), Schedule.amount(draw));
      sys.storeLong(PAGE + 16, seq);
    }
    accounts.finished(account(0), Schedule.TRANSFERS);
  }

  private static long account(int a) {
    return CapReg.loc(CapReg.APP0 + a);
  }
}
