package jackal.services.stream;

import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.INVCAP;
import static jackal.kernel.api.ParameterBlock.SNDLEN;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.Syscall;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.IoStreamClosedException;
import jackal.services.idl.coyotos.IoStreamCodes;
import jackal.services.idl.coyotos.IoStreamRequestWouldBlockException;
import jackal.services.idl.coyotos.IoStreamServer;
import jackal.services.idl.coyotos.IoStreamSkeleton;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * A pipe: a buffer of {@link #CAPACITY} bytes between a writer and a reader, served by one process,
 * through one endpoint (INITEPT, ID 1) whose entry capabilities are told apart by their protected
 * payload, the facet:
 *
 * <ul>
 *   <li>{@link #READ_END} and {@link #WRITE_END}, which the pipe's creator hands out: doRead,
 *       getReadChannel and close on the first; doWrite, getWriteChannel and close on the second.
 *       The other end's methods are NoAccess. A request that cannot go ahead now raises
 *       RequestWouldBlock.
 *   <li>{@link #READ_CHANNEL} and {@link #WRITE_CHANNEL}, the channels those ends give out: the
 *       same methods, but a request that cannot go ahead is not answered until it can. The pipe
 *       keeps the caller's reply capability meanwhile, so the caller waits in the kernel. One
 *       caller waits per channel; a second one is answered RequestWouldBlock.
 * </ul>
 *
 * <p>Semantics. A read takes up to its length (at most 4096, else RequestError) of what is
 * buffered, in order; a write takes as much of its bytes as there is room for and returns the
 * count. A read of an empty pipe whose write end is closed returns 0 bytes: the end of the stream.
 * A write after the read end is closed raises Closed (the bytes would never be read), and so does
 * any request on an end after it was closed, including a second close. Closing the write end
 * answers a waiting reader with the end of the stream; closing the read end answers a waiting
 * writer with Closed.
 *
 * <p>Every answer, immediate or late, is sent without blocking: a caller that does not wait for its
 * answer loses it and cannot stall the pipe. A request that fails unexpectedly is answered
 * RequestError (by the skeleton) and the pipe keeps serving.
 */
final class PipeServer implements IoStreamServer, ServerLoop.Router {
  /** The buffer's size: one request's worth. */
  static final int CAPACITY = IoStreamCodes.bufLimit;

  /** Facets: the protected payloads of the pipe's entry capabilities. */
  static final int READ_END = 0;

  static final int WRITE_END = 1;
  static final int READ_CHANNEL = 2;
  static final int WRITE_CHANNEL = 3;

  static final long INIT_ENDPOINT_ID = 1;

  /** Registers: the channels' entry capabilities and the reply capabilities of waiting callers. */
  static final int READ_CHANNEL_CAP = CapReg.APP0;

  static final int WRITE_CHANNEL_CAP = CapReg.APP0 + 1;
  static final int WAITING_READER = CapReg.APP0 + 2;
  static final int WAITING_WRITER = CapReg.APP0 + 3;

  /** Data pages: the answer's string area, the request's receive buffer, a late answer's string. */
  static final long STRING_AREA = 0;

  static final long REQUEST_BUFFER = CAPACITY;
  static final long LATE_STRING = 2L * CAPACITY;
  static final int DATA_PAGES = 3;

  private final SystemCalls sys;
  private final Ipc ipc;

  /**
   * A second parameter block for late answers and register copies, made while serving a request.
   */
  private final Ipc late;

  private final SpaceBankClient bank;
  private final IoStreamSkeleton skeleton = new IoStreamSkeleton(this);

  /** The buffered bytes: {@code count} of them from {@code head}, wrapping. */
  private final byte[] buffer = new byte[CAPACITY];

  private int head;
  private int count;

  private boolean readClosed;
  private boolean writeClosed;

  /** A reader waits in {@link #WAITING_READER} for up to this many bytes (0: none waits). */
  private int waitingReadLength;

  /** A writer waits in {@link #WAITING_WRITER} to write these bytes (null: none waits). */
  private byte[] waitingWrite;

  /** The facet of the request being served. */
  private int facet;

  /** The loop (told when a request's answer is put off: its caller now waits in a channel). */
  private final ServerLoop loop;

  PipeServer(SystemCalls sys) {
    this.sys = sys;
    this.ipc = new Ipc(sys);
    this.late = new Ipc(sys);
    this.bank = new SpaceBankClient(new Ipc(sys));
    // Routed by itself, not by a method reference: a lambda object cannot be captured at a
    // checkpoint yet.
    this.loop = new ServerLoop(ipc).route(this);
  }

  void run() throws KernelException {
    EndpointClient endpoints = new EndpointClient(new Ipc(sys));
    long ep = CapReg.loc(CapReg.INITEPT);
    endpoints.makeEntryCap(ep, READ_CHANNEL, CapReg.loc(READ_CHANNEL_CAP));
    endpoints.makeEntryCap(ep, WRITE_CHANNEL, CapReg.loc(WRITE_CHANNEL_CAP));
    skeleton.stringArea(STRING_AREA, CAPACITY);
    ipc.stringBuffer(REQUEST_BUFFER, IoStreamSkeleton.REQUEST_STRING_BYTES);
    loop.run();
  }

  /** The pipe's one endpoint (INITEPT), its facet by payload (none other: UnknownRequest). */
  @Override
  public ServerLoop.Handler route(Ipc request) {
    long pp = request.payload();
    if (request.endpointId() != INIT_ENDPOINT_ID || pp > WRITE_CHANNEL) {
      return null;
    }
    facet = (int) pp;
    return skeleton;
  }

  private boolean readSide() {
    return facet == READ_END || facet == READ_CHANNEL;
  }

  private boolean channel() {
    return facet == READ_CHANNEL || facet == WRITE_CHANNEL;
  }

  // ------------------------------------------------------------------ IoStream

  @Override
  public byte[] doRead(int length) throws KernelException {
    requireSide(true);
    if (Integer.toUnsignedLong(length) > CAPACITY) {
      throw new KernelException(Codes.RC_REQUEST_ERROR);
    }
    if (count > 0 || length == 0) {
      byte[] out = take(length);
      admitWaitingWriter();
      return out;
    }
    if (writeClosed) {
      return new byte[0]; // the end of the stream
    }
    if (!channel() || waitingReadLength > 0) {
      throw new IoStreamRequestWouldBlockException();
    }
    late.copyCap(CapReg.loc(CapReg.RETURN), CapReg.loc(WAITING_READER));
    waitingReadLength = length;
    loop.answeredElsewhere();
    return new byte[0];
  }

  @Override
  public int doWrite(byte[] s) throws KernelException {
    requireSide(false);
    if (readClosed) {
      throw new IoStreamClosedException(); // nobody will read it
    }
    if (s.length == 0) {
      return 0;
    }
    if (count < CAPACITY) {
      int n = put(s);
      answerWaitingReader();
      return n;
    }
    if (!channel() || waitingWrite != null) {
      throw new IoStreamRequestWouldBlockException();
    }
    late.copyCap(CapReg.loc(CapReg.RETURN), CapReg.loc(WAITING_WRITER));
    waitingWrite = s;
    loop.answeredElsewhere();
    return 0;
  }

  @Override
  public long getReadChannel() throws KernelException {
    requireSide(true);
    return CapReg.loc(READ_CHANNEL_CAP);
  }

  @Override
  public long getWriteChannel() throws KernelException {
    requireSide(false);
    return CapReg.loc(WRITE_CHANNEL_CAP);
  }

  @Override
  public void close() throws KernelException {
    if (readSide()) {
      requireSide(true);
      readClosed = true;
      head = 0;
      count = 0; // nobody will read what is left
      if (waitingWrite != null) {
        waitingWrite = null;
        answerException(WAITING_WRITER, IoStreamCodes.RC_Closed);
      }
      if (waitingReadLength > 0) { // a reader waiting on the end just closed under it
        waitingReadLength = 0;
        answerException(WAITING_READER, IoStreamCodes.RC_Closed);
      }
    } else {
      requireSide(false);
      writeClosed = true;
      if (waitingReadLength > 0) {
        waitingReadLength = 0;
        answerRead(new byte[0]); // the end of the stream
      }
      if (waitingWrite != null) { // a writer waiting on the end just closed under it
        waitingWrite = null;
        answerException(WAITING_WRITER, IoStreamCodes.RC_Closed);
      }
    }
  }

  @Override
  public void destroy() throws KernelException {
    bank.destroyBankAndReturn(CapReg.loc(CapReg.SPACEBANK), CapReg.loc(CapReg.RETURN), Codes.RC_OK);
  }

  /**
   * The request's facet is of the read side if {@code read}, else of the write side; still open.
   */
  private void requireSide(boolean read) throws KernelException {
    if (readSide() != read) {
      throw new KernelException(Codes.RC_NO_ACCESS);
    }
    if (read ? readClosed : writeClosed) {
      throw new IoStreamClosedException();
    }
  }

  // ------------------------------------------------------------------ the buffer

  /** Takes up to {@code max} buffered bytes, oldest first. */
  private byte[] take(int max) {
    int n = Math.min(max, count);
    byte[] out = new byte[n];
    int first = Math.min(n, CAPACITY - head);
    System.arraycopy(buffer, head, out, 0, first);
    System.arraycopy(buffer, 0, out, first, n - first);
    head = (head + n) % CAPACITY;
    count -= n;
    return out;
  }

  /** Buffers as much of {@code s} as there is room for; returns how much. */
  private int put(byte[] s) {
    int n = Math.min(s.length, CAPACITY - count);
    int tail = (head + count) % CAPACITY;
    int first = Math.min(n, CAPACITY - tail);
    System.arraycopy(s, 0, buffer, tail, first);
    System.arraycopy(s, first, buffer, 0, n - first);
    count += n;
    return n;
  }

  /** Bytes have arrived: a waiting reader gets what it asked for of them. */
  private void answerWaitingReader() {
    if (waitingReadLength > 0 && count > 0) {
      byte[] out = take(waitingReadLength);
      waitingReadLength = 0;
      answerRead(out);
    }
  }

  /** Room was made: a waiting writer's bytes go in, as many as fit, and it learns how many. */
  private void admitWaitingWriter() {
    if (waitingWrite != null && count < CAPACITY) {
      int n = put(waitingWrite);
      waitingWrite = null;
      late.w[1] = n;
      answer(WAITING_WRITER, 1, false);
    }
  }

  // ------------------------------------------------------------------ late answers

  /** Answers the waiting reader as doRead does: max, length and address words, the bytes. */
  private void answerRead(byte[] bytes) {
    sys.write(LATE_STRING, bytes, 0, bytes.length);
    late.w[1] = CAPACITY;
    late.w[2] = bytes.length;
    late.w[3] = LATE_STRING;
    late.string(LATE_STRING, bytes.length);
    answer(WAITING_READER, 3, false);
  }

  private void answerException(int to, long code) {
    late.w[1] = code;
    answer(to, 1, true);
  }

  /**
   * Sends {@code late.w[1..ldw]} (with the string {@link #answerRead} staged) to the reply
   * capability in register {@code to} without blocking: a caller that stopped waiting loses it.
   */
  private void answer(int to, int ldw, boolean exception) {
    if (!exception) {
      late.send(CapReg.loc(to), ldw, -1, true);
      return;
    }
    long[] w = late.w;
    w[ICW] = Syscall.INVOKE_CAP | Icw.makeLdw(ldw) | Icw.SP | Icw.NB | Icw.EX;
    w[INVCAP] = CapReg.loc(to);
    w[SNDLEN] = 0;
    sys.trap(late.pb);
  }
}
