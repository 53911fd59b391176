package jackal.runtime;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;

/**
 * The base of the server skeletons the CapIDL compiler generates ({@code <Interface>Skeleton}): a
 * {@link ServerLoop.Handler} that dispatches on the opcode in word 1, checks that the request has
 * exactly the shape of the method's wire layout, unmarshals it, calls the implementation and
 * marshals its answer.
 *
 * <p>The shape check is the kernel's ({@code Invocation.requireArgs}): the last data word must be
 * the method's last request word, SC must be set with {@code lsc} equal to the number of capability
 * arguments, EX must be clear, and the string must be exactly as long as the sequence header says
 * (within the sequence's bound, and all of it received); otherwise the answer is RequestError. An
 * opcode the interface does not have is answered UnknownRequest, and a runtime exception out of the
 * implementation RequestError.
 *
 * <p>A request's sequence or string is read from the receive buffer the server set with {@link
 * Ipc#stringBuffer} before it started receiving ({@code REQUEST_STRING_BYTES} of the generated
 * skeleton is the bound it needs); a returned one is staged in the {@link #stringArea string area}.
 */
public abstract class IdlSkeleton implements ServerLoop.Handler {
  private long stringArea = -1;
  private int stringAreaSize;

  protected IdlSkeleton() {}

  /**
   * Serves one request through the generated {@link #idlDispatch}. A {@link RuntimeException} out
   * of the implementation (or out of the marshalling: a returned string too long for the string
   * area) is answered RequestError: a bug in one method, or a request that trips one, must cost the
   * caller its answer, never the server its life and every other client its service. Errors ({@code
   * StackOverflowError}, the kernel's allocation limit) are not caught: they are the kernel's to
   * turn into the process's fault.
   */
  @Override
  public final void serve(Ipc ipc, ServerLoop.Reply reply) throws KernelException {
    try {
      idlDispatch(ipc, reply);
    } catch (RuntimeException e) {
      throw idlRequestError();
    }
  }

  /**
   * Decodes the request's opcode, checks its shape, calls the implementation and marshals the
   * answer (generated for each interface).
   */
  protected abstract void idlDispatch(Ipc ipc, ServerLoop.Reply reply) throws KernelException;

  /**
   * Names {@code size} bytes at {@code addr} of the server's own address space where returned
   * sequences and strings are staged. Interfaces that return none need none.
   */
  public IdlSkeleton stringArea(long addr, int size) {
    if (size < 0) {
      throw new IllegalArgumentException("negative string area size " + size);
    }
    this.stringArea = addr;
    this.stringAreaSize = size;
    return this;
  }

  /**
   * The length of the string that came with the request, which is then cleared so that no answer
   * sends it back by accident.
   */
  protected static int idlTakeStringLength(Ipc ipc) {
    int n = ipc.stringLength();
    ipc.w[ParameterBlock.SNDLEN] = 0;
    return n;
  }

  /**
   * Requires the request's control word to say: data words 1..ldw, SC with send slots 0..capArgs
   * (the reply capability and the arguments), no EX.
   */
  protected static void idlRequireShape(Ipc ipc, int ldw, int capArgs) throws KernelException {
    long expected = Icw.makeLdw(ldw) | Icw.SC | Icw.makeLsc(capArgs);
    long got = ipc.w[ParameterBlock.ICW] & (Icw.LDW_MASK | Icw.LSC_MASK | Icw.SC | Icw.EX);
    if (got != expected) {
      throw idlRequestError();
    }
  }

  /** Requires that no string came with a request whose method takes none. */
  protected static void idlRequireNoString(int stringLength) throws KernelException {
    if (stringLength != 0) {
      throw idlRequestError();
    }
  }

  /**
   * Checks a request's sequence or string against its header and bound, and returns its bytes from
   * the receive buffer: {@code length} (the header's length word) elements of {@code elementBytes}
   * each, at most {@code maxElements} (negative: unbounded), exactly the bytes sent, all of them
   * received.
   */
  protected static byte[] idlRequestString(
      Ipc ipc, int stringLength, long length, long maxElements, int elementBytes)
      throws KernelException {
    long max = maxElements >= 0 ? maxElements : Syscall.MAX_SNDLEN;
    if (Long.compareUnsigned(length, max) > 0
        || stringLength % elementBytes != 0
        || length != stringLength / elementBytes
        || stringLength > ipc.w[ParameterBlock.RCVBOUND]) {
      throw idlRequestError();
    }
    byte[] b = new byte[stringLength];
    if (stringLength > 0) {
      ipc.sys().read(ipc.w[ParameterBlock.RCVPTR], b, 0, stringLength);
    }
    return b;
  }

  /**
   * Reads the string of a request some of whose parameters did not fit the data words: it must be
   * exactly {@code fixedBytes} long (those parameters) when the method sends no sequence, and at
   * least that long when it does (the sequence's bytes follow), and all of it received.
   */
  protected static byte[] idlRequestString(
      Ipc ipc, int stringLength, int fixedBytes, boolean sequence) throws KernelException {
    if (sequence ? stringLength < fixedBytes : stringLength != fixedBytes) {
      throw idlRequestError();
    }
    if (stringLength > ipc.w[ParameterBlock.RCVBOUND]) {
      throw idlRequestError();
    }
    byte[] b = new byte[stringLength];
    if (stringLength > 0) {
      ipc.sys().read(ipc.w[ParameterBlock.RCVPTR], b, 0, stringLength);
    }
    return b;
  }

  /**
   * The bytes of a request's sequence, from {@code at} to the end of its string {@code str}: they
   * must be exactly {@code length} (the header's length) elements of {@code elementBytes} each, at
   * most {@code maxElements} (negative: unbounded).
   */
  protected static byte[] idlRequestSequence(
      byte[] str, int at, long length, long maxElements, int elementBytes) throws KernelException {
    long max = maxElements >= 0 ? maxElements : Syscall.MAX_SNDLEN;
    int bytes = str.length - at;
    if (Long.compareUnsigned(length, max) > 0
        || bytes % elementBytes != 0
        || length != bytes / elementBytes) {
      throw idlRequestError();
    }
    return java.util.Arrays.copyOfRange(str, at, str.length);
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
   * Stages the bytes of a returned sequence or string in the string area as the answer's string;
   * returns their address (the sequence's address word).
   */
  protected final long idlStage(Ipc ipc, byte[] bytes) {
    requireArea();
    if (bytes.length > stringAreaSize) {
      throw new IllegalArgumentException(
          bytes.length + " bytes do not fit the string area of " + stringAreaSize + " bytes");
    }
    ipc.sys().write(stringArea, bytes, 0, bytes.length);
    ipc.string(stringArea, bytes.length);
    return stringArea;
  }

  private void requireArea() {
    if (stringArea < 0) {
      throw new IllegalStateException(
          getClass().getSimpleName()
              + " returns a sequence, a string or more results than the data words hold:"
              + " call stringArea() first");
    }
  }

  /** RequestError: the request does not have the shape its method needs. */
  protected static KernelException idlRequestError() {
    return new KernelException(Codes.RC_REQUEST_ERROR);
  }

  /** UnknownRequest: the interface has no method with the request's opcode. */
  protected static KernelException idlUnknownRequest() {
    return new KernelException(Codes.RC_UNKNOWN_REQUEST);
  }
}
