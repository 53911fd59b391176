package jackal.kernel.boot;

import jackal.kernel.obj.ObType;

/**
 * The state of one kernel object as an image holds it (see {@link KernelImage}): its OID,
 * allocation count and content, with every capability in the 16-byte external form of {@code
 * CapBits.get} (jackal.kernel.cap.CapEncoding). Arrays are not copied: the holder must not change
 * them.
 */
@SuppressWarnings("ArrayRecordComponent") // bytes are handed over, not compared or copied
public sealed interface ObjectState
    permits ObjectState.PageState,
        ObjectState.CapPageState,
        ObjectState.GptState,
        ObjectState.EndpointState,
        ObjectState.ProcessState {

  /** The object's type in the Range numbering (Page 0 ... Endpoint 4). */
  int obType();

  long oid();

  /** The allocation count ({@code -1} for a retired OID). */
  long allocCount();

  /**
   * The object's capabilities, each 16 bytes, in a fixed order per type (the order {@link
   * ImageRefusedException#capIndex} counts in).
   */
  byte[][] caps();

  /** A data page: {@code bytes} holds exactly 4096 bytes. */
  record PageState(long oid, long allocCount, byte[] bytes) implements ObjectState {
    @Override
    public int obType() {
      return ObType.PAGE;
    }

    @Override
    public byte[][] caps() {
      return new byte[0][];
    }
  }

  /** A capability page: its 256 slots. */
  record CapPageState(long oid, long allocCount, byte[][] caps) implements ObjectState {
    @Override
    public int obType() {
      return ObType.CAP_PAGE;
    }
  }

  /** A GPT: l2v, the handler and background bits, and its 16 slots. */
  record GptState(long oid, long allocCount, int l2v, boolean ha, boolean bg, byte[][] caps)
      implements ObjectState {
    @Override
    public int obType() {
      return ObType.GPT;
    }
  }

  /** An endpoint: {@code caps} is one capability, the recipient (a Process capability or Null). */
  record EndpointState(
      long oid, long allocCount, boolean pm, int protPayload, long endpointID, byte[][] caps)
      implements ObjectState {
    @Override
    public int obType() {
      return ObType.ENDPOINT;
    }
  }

  /**
   * A process as it waits to run: registers and fault state, its program counter and CPU mask, and
   * 38 capabilities in this order: schedule, address space, brand, cohort, I/O space, handler, then
   * capability registers 0 to 31 (at {@link #FIRST_CAP_REG}).
   */
  record ProcessState(
      long oid,
      long allocCount,
      String name,
      int runState,
      int flags,
      int notices,
      int faultCode,
      long faultInfo,
      long pc,
      long cpuMask,
      byte[][] caps)
      implements ObjectState {
    public static final int SCHEDULE = 0;
    public static final int ADDR_SPACE = 1;
    public static final int BRAND = 2;
    public static final int COHORT = 3;
    public static final int IO_SPACE = 4;
    public static final int HANDLER = 5;
    public static final int FIRST_CAP_REG = 6;
    public static final int CAPS = FIRST_CAP_REG + 32;

    @Override
    public int obType() {
      return ObType.PROCESS;
    }
  }
}
