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

  /**
   * Where the bank finds what the image made before boot (see {@code
   * jackal.services.boot.PrimeBank#preload}): little-endian words {@link #MANIFEST_MAGIC}, the
   * number of sub-banks, the number of objects; per sub-bank its endpoint's OID, its parent's
   * number (0 the prime bank, i the i-th sub-bank) and its limits (one word per object type); per
   * object its type, OID and bank number.
   */
  public static final long MANIFEST = 1L << 36;

  /** The manifest's first word. */
  public static final long MANIFEST_MAGIC = 0x4a61636b616c4d31L;

  /**
   * Where the bank writes the tree as it is now (banks, limits, usage, who owns what) for the
   * kernel's view to read; see {@code LiveTree} for the layout.
   */
  public static final long LIVE = 2L << 36;

  /** The live tree's first word, once the bank has written it. */
  public static final long LIVE_MAGIC = 0x4a61636b616c4c31L;

  /** The live tree's size in pages: a root GPT of 16 leaf GPTs of 16 pages. */
  public static final int LIVE_PAGES = 256;

  /**
   * A GPT capability to the root of the live tree's region (slot span 2^16, mapped at {@link
   * #LIVE}), where the bank maps the pages it writes.
   */
  public static final int LIVE_ROOT = CapReg.APP0 + 6;

  /** The loader makes one for the bank process. */
  public SpaceBankProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    new BankServer(sys).run();
  }
}
