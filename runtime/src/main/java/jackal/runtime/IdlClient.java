package jackal.runtime;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ParameterBlock;

/**
 * The base of the client stubs the CapIDL compiler generates ({@code <Interface>Client}): one
 * {@link Ipc} to call through, and a string area of the process's own address space where sequences
 * and strings sent are staged and those returned are received.
 *
 * <p>A generated method takes the invoked capability's location first, then the in-parameters, then
 * where each returned capability is to go; it marshals exactly as the method's wire layout says
 * (opcode in word 1, scalars from word 2, capabilities in send slots 1..3 with the reply endpoint
 * in slot 0), calls, and returns the results, throwing the generated subclass of {@link
 * KernelException} for an exceptional reply.
 *
 * <p>Like its {@code Ipc}, a client belongs to one process's program.
 */
public abstract class IdlClient {
  /** The messaging of this process. */
  protected final Ipc ipc;

  /** {@code ipc}'s parameter words. */
  protected final long[] w;

  private long stringArea = -1;
  private int stringAreaSize;

  protected IdlClient(Ipc ipc) {
    this.ipc = ipc;
    this.w = ipc.w;
  }

  /** The messaging this client calls through. */
  public final Ipc ipc() {
    return ipc;
  }

  /**
   * Names {@code size} bytes at {@code addr} of this process's own address space, where the stubs
   * stage the sequences and strings they send and receive those that come back. Methods without
   * sequences or strings need none.
   */
  public IdlClient stringArea(long addr, int size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative string area size " + size);
    }
    this.stringArea = addr;
    this.stringAreaSize = size;
    return this;
  }

  /**
   * Stages {@code bytes} at the string area as the next call's string; returns their address (the
   * sequence's address word).
   */
  protected final long idlStage(byte[] bytes) {
    requireArea();
    if (bytes.length > stringAreaSize) {
      throw new IllegalArgumentException(
          bytes.length + " bytes do not fit the string area of " + stringAreaSize + " bytes");
    }
    ipc.sys().write(stringArea, bytes, 0, bytes.length);
    ipc.string(stringArea, bytes.length);
    return stringArea;
  }

  /** Where {@link #idlStage} puts a string: the address of the string area. */
  protected final long idlStageBase() {
    requireArea();
    return stringArea;
  }

  /** Writes the low {@code size} bytes of {@code v}, little-endian, at {@code off} of {@code b}. */
  protected static void idlPut(byte[] b, int off, int size, long v) {
    IdlBytes.put(b, off, size, v);
  }

  /** Reads {@code size} little-endian bytes at {@code off} of {@code b}, zero-extended. */
  protected static long idlGet(byte[] b, int off, int size) {
    return IdlBytes.get(b, off, size);
  }

  /**
   * Calls {@code target} with {@code w[1..ldw]}, capability arguments in send slots 1..capArgs,
   * accepting {@code capResults} result capabilities; throws the exception an exceptional reply
   * carries.
   */
  protected final void idlCall(long target, int ldw, int capArgs, int capResults)
      throws KernelException {
    if (!ipc.call(target, ldw, capArgs, capResults - 1)) {
      throw idlException(ipc.exceptionCode());
    }
  }

  /**
   * As {@link #idlCall}, for a method whose reply carries a sequence or string: it is received into
   * the string area (the process's previous receive buffer is restored afterwards).
   */
  protected final void idlCallReceivingString(long target, int ldw, int capArgs, int capResults)
      throws KernelException {
    requireArea();
    long ptr = w[ParameterBlock.RCVPTR];
    long bound = w[ParameterBlock.RCVBOUND];
    ipc.stringBuffer(stringArea, stringAreaSize);
    boolean normal;
    try {
      normal = ipc.call(target, ldw, capArgs, capResults - 1);
    } finally {
      w[ParameterBlock.RCVPTR] = ptr;
      w[ParameterBlock.RCVBOUND] = bound;
    }
    if (!normal) {
      throw idlException(ipc.exceptionCode());
    }
  }

  /**
   * The bytes of a returned sequence of {@code length} elements of {@code elementBytes} each, as
   * received in the string area: no more than {@code maxElements} (unless negative: unbounded) and
   * than the area holds.
   */
  protected final byte[] idlReceived(long length, int elementBytes, long maxElements) {
    long n = length;
    if (maxElements >= 0 && Long.compareUnsigned(n, maxElements) > 0) {
      n = maxElements;
    }
    if (Long.compareUnsigned(n, stringAreaSize / elementBytes) > 0) {
      n = stringAreaSize / elementBytes;
    }
    byte[] b = new byte[(int) n * elementBytes];
    if (b.length > 0) {
      ipc.sys().read(stringArea, b, 0, b.length);
    }
    return b;
  }

  /**
   * The string of a reply whose results did not all fit the data words, as received in the string
   * area: at least {@code fixedBytes} long (the results laid into it; bytes the server did not send
   * read as zero), and as much beyond as arrived and the area holds.
   */
  protected final byte[] idlReceivedString(int fixedBytes) {
    int n = Math.min(Math.max(ipc.stringLength(), 0), stringAreaSize);
    byte[] b = new byte[Math.max(n, fixedBytes)];
    if (n > 0) {
      ipc.sys().read(stringArea, b, 0, n);
    }
    return b;
  }

  /**
   * The bytes of a returned sequence of {@code length} elements of {@code elementBytes} each,
   * starting at {@code at} of the received string {@code str}: no more than {@code maxElements}
   * (unless negative: unbounded) and than the string holds.
   */
  protected static byte[] idlReceivedSequence(
      byte[] str, int at, long length, int elementBytes, long maxElements) {
    long n = length;
    if (maxElements >= 0 && Long.compareUnsigned(n, maxElements) > 0) {
      n = maxElements;
    }
    long room = Math.max(str.length - at, 0) / elementBytes;
    if (Long.compareUnsigned(n, room) > 0) {
      n = room;
    }
    byte[] b = new byte[(int) n * elementBytes];
    System.arraycopy(str, Math.min(at, str.length), b, 0, b.length);
    return b;
  }

  /**
   * Sends a oneway message: {@code w[1..ldw]}, a Null capability in slot 0 (nobody is to reply) and
   * capability arguments in slots 1..capArgs. It waits until the recipient takes it, and nothing
   * comes back.
   */
  protected final void idlSend(long target, int ldw, int capArgs) {
    w[ParameterBlock.SNDCAP] = CapLoc.reg(CapReg.NULL);
    ipc.send(target, ldw, capArgs, false);
  }

  /**
   * The exception for an exceptional reply carrying {@code code} (its fields, if any, in {@code
   * w[2..]}). Generated clients answer the codes of their interface's exceptions with the generated
   * classes and pass the others on to this one.
   */
  protected KernelException idlException(long code) {
    return new KernelException(code);
  }

  private void requireArea() {
    if (stringArea < 0) {
      throw new IllegalStateException(
          "this method sends or returns a sequence, a string or more values than the data words"
              + " hold: call stringArea() first");
    }
  }
}
