package jackal.kernel.invoke;

import jackal.kernel.api.CapType;
import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.cap.Capability;
import jackal.kernel.obj.CapPage;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.Cpu;
import jackal.kernel.sched.Transaction;

/**
 * The state of one InvokeCap in progress (Coyotos's InvParam): the marshalled capabilities, the
 * process the message or reply goes to, and, for a kernel capability, the arguments read so far and
 * the reply being built. Each CPU owns one and reuses it for every call, so the hot path allocates
 * nothing.
 */
public final class Invocation {
  final Machine machine;
  final Cpu cpu;
  final Transaction txn;
  final MemWalk walk = new MemWalk();
  final SpaceAccess.Failure failure = new SpaceAccess.Failure();

  /** The pages of a string being sent and of the receive buffer, found before the commit. */
  final Page[] sendPages = new Page[SpaceAccess.MAX_PAGES];

  final Page[] receivePages = new Page[SpaceAccess.MAX_PAGES];

  Process invoker;

  /**
   * Set while this invocation runs a call another CPU shipped here ({@link
   * SystemCall#executeShipped}).
   */
  boolean shipped;

  /** The caller's block: written (it is the caller's register file), never read after entry. */
  ParameterBlock pb;

  /** The caller's parameter words as they were at trap entry. */
  final long[] in = new long[ParameterBlock.WORDS];

  /**
   * The caller's control word as the kernel knows it: {@code in[ICW]} at entry, then whatever the
   * kernel itself wrote to the caller's ICW (a reply to oneself clears its RP and SP).
   */
  long icw;

  /**
   * Where received capabilities go, marshalled before the commit point (Coyotos's DestCap): the
   * CapPage and slot of a memory location, or a null page and the register number (0 discards).
   * Writing through them after the commit cannot walk, lock or fail.
   */
  final CapPage[] destPage = new CapPage[4];

  final int[] destSlot = new int[4];

  /**
   * The receive of the process a message goes to ({@link #loadReceive}): its control word, string
   * buffer and capability locations, all checked when they were taken.
   */
  long rcvIcw;

  long rcvBound;
  long rcvPtr;
  final long[] rcvCap = new long[4];

  /** The invoked capability, prepared (Null if it was invalid). */
  Capability iCap;

  /**
   * Send capabilities 0..lsc, prepared where the algorithm prepares them. Slot 0 is null when it
   * holds a reply capability not yet made (see {@link #sentCap}).
   */
  final Capability[] src = new Capability[4];

  /**
   * With RC, the endpoint whose Entry capability replaces send slot 0, and the payload it carries
   * (the endpoint's payload when the call began). The capability is made only when a message really
   * carries it (a kernel capability's reply needs only the endpoint), and a register that held the
   * previous reply capability to the same endpoint gets that object reissued instead ({@link
   * CapLocs#writeReply}).
   */
  Endpoint replyEp;

  int replyPayload;

  /** Who receives the message or the reply, and through which endpoint; null if nobody. */
  Process invokee;

  Endpoint invokeeEp;

  /** Send capability {@code i}, making the reply capability of slot 0 if RC asked for one. */
  Capability sentCap(int i) {
    Capability c = src[i];
    if (c == null) {
      c = Capability.object(CapType.ENTRY, 0, replyPayload, replyEp);
      src[i] = c;
    }
    return c;
  }

  // ---- kernel capability calls
  int opcode;
  private int nextIdw;
  final long[] opw = new long[8];
  private int nextOdw;
  final Capability[] resultCaps = new Capability[4];
  private int nResultCaps;
  boolean replySuppressed;

  /** Set when preparing for invocation put the invoker to sleep on a stall queue. */
  boolean slept;

  /** Set by Sleep when the invoker must wait until this time (nanoseconds since the epoch). */
  long sleepUntil;

  Invocation(Machine machine, Cpu cpu) {
    this.machine = machine;
    this.cpu = cpu;
    this.txn = cpu.txn;
  }

  /** Copies the caller's parameter words at trap entry; the kernel reads only the copy after. */
  void takeParameters(ParameterBlock block) {
    System.arraycopy(block.w, 0, in, 0, ParameterBlock.WORDS);
    icw = in[ParameterBlock.ICW];
  }

  /**
   * Loads the receive of {@code r}, which a message or reply is about to reach: the caller's own
   * copy when it replies to itself, else the fields {@code r} took when it started waiting.
   */
  void loadReceive(Process r) {
    if (r == invoker) {
      rcvIcw = icw;
      rcvBound = in[ParameterBlock.RCVBOUND];
      rcvPtr = in[ParameterBlock.RCVPTR];
      System.arraycopy(in, ParameterBlock.RCVCAP, rcvCap, 0, 4);
    } else {
      rcvIcw = r.rcvIcw;
      rcvBound = r.rcvBound;
      rcvPtr = r.rcvPtr;
      r.copyRcvCaps(rcvCap);
    }
  }

  void begin(Process p, ParameterBlock block) {
    invoker = p;
    pb = block;
    iCap = Capability.NULL;
    src[0] = src[1] = src[2] = src[3] = Capability.NULL;
    invokee = null;
    invokeeEp = null;
    replyEp = null;
    replySuppressed = false;
    slept = false;
  }

  void beginKernelCall() {
    nextIdw = ParameterBlock.OPCODE;
    nextOdw = ParameterBlock.OPCODE;
    nResultCaps = 0;
    sleepUntil = 0;
    opw[0] = 0;
    resultCaps[0] = resultCaps[1] = resultCaps[2] = resultCaps[3] = Capability.NULL;
    opcode = (int) nextArg();
  }

  // ---- reading arguments (kernel capability handlers)

  /** The next data word, or 0 past the last one sent. */
  public long nextArg() {
    if (Icw.ldw(icw) < nextIdw) {
      nextIdw++;
      return 0;
    }
    return in[nextIdw++];
  }

  /**
   * Argument capability {@code i} (1..3), prepared: an invalid one reads as Null. Slot 0 is the
   * reply capability.
   */
  public Capability capArg(int i) {
    return machine.prepare(txn, src[i]);
  }

  /** The invoked capability (already prepared). */
  public Capability invokedCap() {
    return iCap;
  }

  public Process invoker() {
    return invoker;
  }

  public Machine machine() {
    return machine;
  }

  public Transaction txn() {
    return txn;
  }

  /**
   * The kernel's argument check: the call must have sent exactly the data words read so far,
   * capabilities 0..lastCap with SC set, no exception bit, and no string. Replies RequestError and
   * returns false otherwise.
   */
  public boolean requireArgs(int lastCap) {
    return requireArgs(lastCap, 0, 0);
  }

  /** As {@link #requireArgs(int)}, allowing a string of {@code minLen..maxLen} bytes. */
  public boolean requireArgs(int lastCap, int minLen, int maxLen) {
    long expected = Icw.makeLdw(nextIdw - 1) | Icw.SC | Icw.makeLsc(lastCap);
    long got = icw & (Icw.LDW_MASK | Icw.LSC_MASK | Icw.SC | Icw.EX);
    long sndLen = in[ParameterBlock.SNDLEN];
    if (got != expected || sndLen < minLen || sndLen > maxLen) {
      error(Codes.RC_REQUEST_ERROR);
      return false;
    }
    return true;
  }

  // ---- building the reply

  public void result(long v) {
    opw[nextOdw++] = v;
  }

  public void resultCap(Capability c) {
    resultCaps[nResultCaps++] = c;
  }

  /** Replaces whatever was built with an exception reply carrying {@code code}. */
  public void error(long code) {
    nextOdw = ParameterBlock.OPCODE;
    nResultCaps = 0;
    opw[nextOdw++] = code;
    opw[0] = Icw.makeLdw(1) | Icw.EX;
  }

  /** The process the reply goes to, if any. */
  public Process replyTarget() {
    return invokee;
  }

  /**
   * Drops the reply, and with it the payload bump: the operation is oneway, destroyed the reply
   * target or its endpoint, or took the target out of its receive.
   */
  public void suppressReply() {
    replySuppressed = true;
  }

  /** Computes the reply's control word unless {@link #error} already did. */
  void finishReply() {
    if ((opw[0] & Icw.EX) != 0) {
      return;
    }
    long w0 = Icw.makeLdw(nextOdw - 1);
    if (nResultCaps > 0) {
      w0 |= Icw.SC | Icw.makeLsc(nResultCaps - 1);
    }
    opw[0] = w0;
  }
}
