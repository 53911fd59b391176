package jackal.services.bank;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.KernelException;

/**
 * The space bank, an ordinary program: one process serves every bank of the system, each bank being
 * one of its endpoints (the endpoint ID names the bank, the protected payload of the Entry
 * capability carries the restrictions). Its storage comes from the Range capability in {@link
 * #RANGE}; the prime bank is the endpoint in {@link #PRIME_ENDPOINT}. See {@link BankServer}.
 */
public final class SpaceBankProgram implements ProgramEntry {
  /** The Range capability the objects come from. */
  public static final int RANGE = CapReg.APP0;

  /**
   * The prime bank's Endpoint (recipient: this process; endpoint ID: its OID + 1, as for every
   * bank).
   */
  public static final int PRIME_ENDPOINT = CapReg.APP0 + 1;

  /** The loader makes one for the bank process. */
  public SpaceBankProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    new BankServer(sys).run();
  }
}
