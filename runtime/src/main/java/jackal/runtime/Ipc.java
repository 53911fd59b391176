package jackal.runtime;

import static jackal.kernel.api.ParameterBlock.EPID;
import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.INVCAP;
import static jackal.kernel.api.ParameterBlock.RCVBOUND;
import static jackal.kernel.api.ParameterBlock.RCVCAP;
import static jackal.kernel.api.ParameterBlock.RCVPTR;
import static jackal.kernel.api.ParameterBlock.SNDCAP;
import static jackal.kernel.api.ParameterBlock.SNDLEN;
import static jackal.kernel.api.ParameterBlock.SNDPTR;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;
import jackal.kernel.api.SystemCalls;

/**
 * A process's messaging: one parameter block and the Coyotos conventions for filling it.
 *
 * <p>A client call sends data words {@code w[1..ldw]} (the opcode in {@code w[1]}) and argument
 * capabilities in send slots 1..3, with the process's reply endpoint in slot 0 turned into a reply
 * capability (RC), and waits in a closed wait on endpoint ID 0 (the reply endpoint's). A server
 * receives into RETURN and ARG0-2 and replies to RETURN without blocking, so a client that went
 * away cannot stall it. Reply words and capabilities arrive in the same block.
 *
 * <p>Every call and receive here sets CO (copy-out): words 4-7, the payload, the endpoint ID and
 * the string length of what arrives are soft parameters, which the kernel writes into the block
 * only when the receive asked for them, and the stubs and the server loop read them.
 *
 * <p>An {@code Ipc} belongs to one process and must be used only by its program.
 */
public final class Ipc {
  private final SystemCalls sys;

  /** The parameter block; {@link #w} is its word array. */
  public final ParameterBlock pb = new ParameterBlock();

  /** The parameter words, indexed as in {@link ParameterBlock}. */
  public final long[] w = pb.w;

  private final long[] resultLocs = defaultResultLocs(new long[4]);

  /**
   * Writes the default result locations (the four reply registers) into {@code locs}. A method, not
   * a static array: a class with no static state is shared by every process of an image instead of
   * being defined again in each (docs/DESIGN-NOTES.md, "Shared classes").
   */
  private static long[] defaultResultLocs(long[] locs) {
    locs[0] = CapLoc.reg(CapReg.REPLY0);
    locs[1] = CapLoc.reg(CapReg.REPLY1);
    locs[2] = CapLoc.reg(CapReg.REPLY2);
    locs[3] = CapLoc.reg(CapReg.REPLY3);
    return locs;
  }

  /**
   * Renewal starts when a reply arrives with a payload this close to the wrap, leaving room for the
   * renewal's own calls (each of which also uses the reply endpoint).
   */
  static final long RENEW_MARGIN = 64;

  private ReplyEndpointRenewal renewal;
  private Ipc renewalScratch;

  public Ipc(SystemCalls sys) {
    this.sys = sys;
  }

  /**
   * Has this process's reply endpoint replaced by {@code r} before its payload wraps (see {@link
   * ReplyEndpointRenewal}). All the {@code Ipc}s of a process share one reply endpoint, so one of
   * them with renewal set is enough if it makes most of the calls.
   */
  public Ipc renewReplyEndpointWith(ReplyEndpointRenewal r) {
    this.renewal = r;
    this.renewalScratch = r == null ? null : new Ipc(sys);
    return this;
  }

  public SystemCalls sys() {
    return sys;
  }

  // ------------------------------------------------------------------ client side

  /**
   * Sets where result capability {@code i} of the next call lands (REPLY0+i unless set; the setting
   * lasts for one call).
   */
  public Ipc resultInto(int i, long loc) {
    resultLocs[i] = loc;
    return this;
  }

  /** Puts argument capability {@code i} (1..3) of the next call: the capability at {@code loc}. */
  public Ipc capArg(int i, long loc) {
    if (i < 1 || i > 3) {
      throw new IllegalArgumentException("argument capabilities go in slots 1..3, not " + i);
    }
    w[SNDCAP + i] = loc;
    return this;
  }

  /** Sends {@code len} bytes at {@code addr} of this process's space as the next call's string. */
  public Ipc string(long addr, int len) {
    w[SNDPTR] = addr;
    w[SNDLEN] = len;
    stringStaged = true;
    return this;
  }

  /** Accepts a string of up to {@code bound} bytes at {@code addr} in replies and requests. */
  public Ipc stringBuffer(long addr, int bound) {
    w[RCVPTR] = addr;
    w[RCVBOUND] = bound;
    return this;
  }

  /**
   * Calls the capability at {@code target}: sends {@code w[1..ldw]}, argument capabilities
   * 1..lastCap (0 if none), and waits for the reply, accepting result capabilities 0..lastResultCap
   * (-1: none). Returns true for a normal reply; false for an exception, whose code is then {@link
   * #exceptionCode()}.
   */
  public boolean call(long target, int ldw, int lastCap, int lastResultCap) {
    long icw =
        Syscall.INVOKE_CAP
            | Icw.makeLdw(ldw)
            | Icw.SP
            | Icw.RP
            | Icw.CW
            | Icw.RC
            | Icw.CO
            | Icw.SC
            | Icw.makeLsc(lastCap);
    if (lastResultCap >= 0) {
      icw |= Icw.AC | Icw.makeLrc(lastResultCap);
      for (int i = 0; i <= lastResultCap; i++) {
        w[RCVCAP + i] = resultLocs[i];
      }
      defaultResultLocs(resultLocs);
    }
    w[ICW] = icw;
    w[INVCAP] = target;
    w[SNDCAP] = CapLoc.reg(CapReg.REPLYEPT);
    w[EPID] = 0;
    beforeSend();
    sys.trap(pb);
    if (renewal != null && (w[ParameterBlock.PP] & 0xFFFF_FFFFL) >= 0xFFFF_FFFFL - RENEW_MARGIN) {
      renewReplyEndpoint();
    }
    return (w[ICW] & Icw.EX) == 0;
  }

  private void renewReplyEndpoint() {
    ReplyEndpointRenewal r = renewal;
    renewal = null; // the renewal's own calls must not renew again
    try {
      r.renew(renewalScratch);
    } catch (KernelException e) {
      throw new IllegalStateException("could not renew the reply endpoint: " + e.getMessage(), e);
    } finally {
      renewal = r;
    }
  }

  /** As {@link #call}, throwing {@link KernelException} for an exceptional reply. */
  public void callOrThrow(long target, int ldw, int lastCap, int lastResultCap)
      throws KernelException {
    if (!call(target, ldw, lastCap, lastResultCap)) {
      throw new KernelException(exceptionCode());
    }
  }

  /**
   * Sends {@code w[1..ldw]} and capabilities 0..lastCap (-1: none) to {@code target} without
   * waiting for an answer. With {@code nonBlocking}, a receiver that is not ready drops it.
   */
  public void send(long target, int ldw, int lastCap, boolean nonBlocking) {
    long icw = Syscall.INVOKE_CAP | Icw.makeLdw(ldw) | Icw.SP;
    if (lastCap >= 0) {
      icw |= Icw.SC | Icw.makeLsc(lastCap);
    }
    if (nonBlocking) {
      icw |= Icw.NB;
    }
    w[ICW] = icw;
    w[INVCAP] = target;
    beforeSend();
    sys.trap(pb);
  }

  /** The exception code of the last reply (valid when it had EX set). */
  public long exceptionCode() {
    return w[1];
  }

  // ------------------------------------------------------------------ server side

  /**
   * Waits for a message: an open wait, or a closed wait on {@code endpointId} when {@code closed}.
   * Capabilities arrive in RETURN and ARG0-2; the endpoint ID and payload in {@link #endpointId()}
   * and {@link #payload()}.
   */
  public void receive(boolean closed, long endpointId) {
    long icw = Syscall.INVOKE_CAP | Icw.RP | Icw.AC | Icw.makeLrc(3) | Icw.CO;
    if (closed) {
      icw |= Icw.CW;
    }
    w[ICW] = icw;
    setServerReceiveSlots();
    w[EPID] = endpointId;
    sys.trap(pb);
  }

  /** Waits for the next request (open wait). */
  public void receive() {
    receive(false, 0);
  }

  /**
   * Replies to RETURN without blocking with {@code w[1..ldw]} and capabilities 0..lastCap (-1:
   * none, locations in send slots 0..3), then waits for the next request, all in one trap.
   */
  public void replyAndReceive(int ldw, int lastCap) {
    long icw =
        Syscall.INVOKE_CAP
            | Icw.makeLdw(ldw)
            | Icw.SP
            | Icw.NB
            | Icw.RP
            | Icw.AC
            | Icw.makeLrc(3)
            | Icw.CO;
    if (lastCap >= 0) {
      icw |= Icw.SC | Icw.makeLsc(lastCap);
    }
    w[ICW] = icw;
    w[INVCAP] = CapLoc.reg(CapReg.RETURN);
    setServerReceiveSlots();
    w[EPID] = 0;
    beforeSend();
    sys.trap(pb);
  }

  /** Replies with exception {@code code} to RETURN, then waits for the next request. */
  public void replyExceptionAndReceive(long code) {
    w[1] = code;
    replyExceptionWordsAndReceive(1);
  }

  /**
   * Replies to RETURN without blocking with an exception whose code the caller put in {@code w[1]}
   * and whose fields are in {@code w[2..ldw]}, then waits for the next request. No string goes with
   * it.
   */
  public void replyExceptionWordsAndReceive(int ldw) {
    long icw =
        Syscall.INVOKE_CAP
            | Icw.makeLdw(ldw)
            | Icw.EX
            | Icw.SP
            | Icw.NB
            | Icw.RP
            | Icw.AC
            | Icw.makeLrc(3)
            | Icw.CO;
    w[ICW] = icw;
    w[INVCAP] = CapLoc.reg(CapReg.RETURN);
    setServerReceiveSlots();
    w[EPID] = 0;
    beforeSend();
    sys.trap(pb);
  }

  private void setServerReceiveSlots() {
    w[RCVCAP] = CapLoc.reg(CapReg.RETURN);
    w[RCVCAP + 1] = CapLoc.reg(CapReg.ARG0);
    w[RCVCAP + 2] = CapLoc.reg(CapReg.ARG1);
    w[RCVCAP + 3] = CapLoc.reg(CapReg.ARG2);
  }

  // ------------------------------------------------------------------ what arrived

  /** The opcode of the message received. */
  public int opcode() {
    return (int) w[1];
  }

  /** The protected payload of the capability the sender invoked. */
  public long payload() {
    return w[ParameterBlock.PP] & 0xFFFF_FFFFL;
  }

  /** The endpoint ID of the endpoint the message came through. */
  public long endpointId() {
    return w[EPID];
  }

  /** The number of the last data word received. */
  public int lastDataWord() {
    return Icw.ldw(w[ICW]);
  }

  /** How many capabilities arrived (0 if the sender sent none). */
  public int capsReceived() {
    return (w[ICW] & Icw.SC) != 0 ? Icw.lsc(w[ICW]) + 1 : 0;
  }

  /**
   * The length of the string the sender sent (its full length, even if cut to the bound); valid
   * until the next send.
   */
  public int stringLength() {
    return (int) w[SNDLEN];
  }

  /** Set by {@link #string}: the next send carries that string. */
  private boolean stringStaged;

  /**
   * Before a trap that sends: a string goes only if {@link #string} staged one since the last send;
   * otherwise word 17 still holds the length of a string received, which must not be sent back.
   */
  private void beforeSend() {
    if (!stringStaged) {
      w[SNDLEN] = 0;
    }
    stringStaged = false;
  }

  /** True if the received message is an exception. */
  public boolean isException() {
    return (w[ICW] & Icw.EX) != 0;
  }

  // ------------------------------------------------------------------ other system calls

  /** CopyCap: copies the capability at {@code from} to {@code to} (uses words 0-2). */
  public void copyCap(long from, long to) {
    w[ICW] = Syscall.COPY_CAP;
    w[1] = from;
    w[2] = to;
    sys.trap(pb);
  }

  /** Yield: lets the other ready processes of this CPU run first (uses word 0). */
  public void yieldCpu() {
    w[ICW] = Syscall.YIELD;
    sys.trap(pb);
  }
}
