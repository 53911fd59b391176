package jackal.runtime;

import jackal.kernel.api.Codes;
import java.nio.charset.StandardCharsets;

/**
 * Client stubs for the kernel's own interfaces, marshalled by hand the way the CapIDL compiler's
 * stubs will be: opcode in word 1, scalar arguments in the following words, capability arguments in
 * send slots 1..3, results in the reply's data words and capability slots.
 *
 * <p>Capability arguments and targets are capability locations ({@link CapReg#loc}); a method that
 * returns a capability stores it at the location given as {@code into}.
 */
public final class KernelStubs {
  private final Ipc ipc;
  private final long[] w;
  private long stringArea = -1;
  private int stringAreaSize;

  public KernelStubs(Ipc ipc) {
    this.ipc = ipc;
    this.w = ipc.w;
  }

  /**
   * Names a region of this process's own address space that the stubs may use to stage outgoing
   * strings (KernLog.log needs one).
   */
  public KernelStubs stringArea(long addr, int size) {
    this.stringArea = addr;
    this.stringAreaSize = size;
    return this;
  }

  // ------------------------------------------------------------------ Cap

  public long getType(long cap) throws KernelException {
    w[1] = Codes.OC_CAP_GET_TYPE;
    ipc.callOrThrow(cap, 1, 0, -1);
    return w[1];
  }

  // ------------------------------------------------------------------ Discrim

  public int classify(long discrim, long cap) throws KernelException {
    w[1] = Codes.OC_DISCRIM_CLASSIFY;
    ipc.capArg(1, cap).callOrThrow(discrim, 1, 1, -1);
    return (int) w[1];
  }

  public boolean isDiscreet(long discrim, long cap) throws KernelException {
    w[1] = Codes.OC_DISCRIM_IS_DISCREET;
    ipc.capArg(1, cap).callOrThrow(discrim, 1, 1, -1);
    return w[1] != 0;
  }

  public boolean compare(long discrim, long a, long b) throws KernelException {
    w[1] = Codes.OC_DISCRIM_COMPARE;
    ipc.capArg(1, a).capArg(2, b).callOrThrow(discrim, 1, 2, -1);
    return w[1] != 0;
  }

  // ------------------------------------------------------------------ CapBits

  /** The 16-byte form of {@code cap} as four 32-bit words. */
  public int[] capBits(long capBits, long cap) throws KernelException {
    w[1] = Codes.OC_CAP_BITS_GET;
    ipc.capArg(1, cap).callOrThrow(capBits, 1, 1, -1);
    return new int[] {(int) w[1], (int) w[2], (int) w[3], (int) w[4]};
  }

  // ------------------------------------------------------------------ KernLog

  /** Logs {@code text} (at most 255 bytes of UTF-8) through the KernLog capability. */
  public void log(long kernLog, String text) throws KernelException {
    if (stringArea < 0) {
      throw new IllegalStateException("KernLog.log needs a string area: call stringArea() first");
    }
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int len = Math.min(bytes.length, stringAreaSize);
    ipc.sys().write(stringArea, bytes, 0, len);
    w[1] = Codes.OC_KERN_LOG_LOG;
    w[2] = 256; // the sequence's bound
    w[3] = bytes.length; // its length: the kernel refuses more than 255
    w[4] = stringArea;
    ipc.string(stringArea, len).callOrThrow(kernLog, 4, 0, -1);
  }

  // ------------------------------------------------------------------ Endpoint

  public void setRecipient(long endpoint, long process) throws KernelException {
    w[1] = Codes.OC_ENDPOINT_SET_RECIPIENT;
    ipc.capArg(1, process).callOrThrow(endpoint, 1, 1, -1);
  }

  public void setPayloadMatch(long endpoint) throws KernelException {
    w[1] = Codes.OC_ENDPOINT_SET_PAYLOAD_MATCH;
    ipc.callOrThrow(endpoint, 1, 0, -1);
  }

  public void setEndpointId(long endpoint, long id) throws KernelException {
    w[1] = Codes.OC_ENDPOINT_SET_ENDPOINT_ID;
    w[2] = id;
    ipc.callOrThrow(endpoint, 2, 0, -1);
  }

  public long getEndpointId(long endpoint) throws KernelException {
    w[1] = Codes.OC_ENDPOINT_GET_ENDPOINT_ID;
    ipc.callOrThrow(endpoint, 1, 0, -1);
    return w[1];
  }

  public void makeEntryCap(long endpoint, int payload, long into) throws KernelException {
    w[1] = Codes.OC_ENDPOINT_MAKE_ENTRY_CAP;
    w[2] = payload & 0xFFFF_FFFFL;
    ipc.resultInto(0, into).callOrThrow(endpoint, 2, 0, 0);
  }

  public void makeAppNotifier(long endpoint, int mask, long into) throws KernelException {
    w[1] = Codes.OC_ENDPOINT_MAKE_APP_NOTIFIER;
    w[2] = mask & 0xFFFF_FFFFL;
    ipc.resultInto(0, into).callOrThrow(endpoint, 2, 0, 0);
  }

  // ------------------------------------------------------------------ Process

  public void resume(long process, boolean cancelFault) throws KernelException {
    w[1] = Codes.OC_PROCESS_RESUME;
    w[2] = cancelFault ? 1 : 0;
    ipc.callOrThrow(process, 2, 0, -1);
  }

  /** {fault code, fault info}. */
  public long[] getState(long process) throws KernelException {
    w[1] = Codes.OC_PROCESS_GET_STATE;
    ipc.callOrThrow(process, 1, 0, -1);
    return new long[] {w[1], w[2]};
  }

  public void setState(long process, int faultCode, long faultInfo) throws KernelException {
    w[1] = Codes.OC_PROCESS_SET_STATE;
    w[2] = faultCode;
    w[3] = faultInfo;
    ipc.callOrThrow(process, 3, 0, -1);
  }

  public void getSlot(long process, int slot, long into) throws KernelException {
    w[1] = Codes.OC_PROCESS_GET_SLOT;
    w[2] = slot;
    ipc.resultInto(0, into).callOrThrow(process, 2, 0, 0);
  }

  public void setSlot(long process, int slot, long cap) throws KernelException {
    w[1] = Codes.OC_PROCESS_SET_SLOT;
    w[2] = slot;
    ipc.capArg(1, cap).callOrThrow(process, 2, 1, -1);
  }

  public void getCapReg(long process, int reg, long into) throws KernelException {
    w[1] = Codes.OC_PROCESS_GET_CAP_REG;
    w[2] = reg;
    ipc.resultInto(0, into).callOrThrow(process, 2, 0, 0);
  }

  public void setCapReg(long process, int reg, long cap) throws KernelException {
    w[1] = Codes.OC_PROCESS_SET_CAP_REG;
    w[2] = reg;
    ipc.capArg(1, cap).callOrThrow(process, 2, 1, -1);
  }

  /** What identifyEntry and identifyEntryWithBrand report. */
  public record EntryIdentity(boolean matches, long payload, long endpointId, boolean isMe) {}

  public EntryIdentity identifyEntry(long process, long entry) throws KernelException {
    w[1] = Codes.OC_PROCESS_IDENTIFY_ENTRY;
    ipc.capArg(1, entry).callOrThrow(process, 1, 1, -1);
    return new EntryIdentity(w[4] != 0, w[1], w[2], w[3] != 0);
  }

  public EntryIdentity identifyEntryWithBrand(long process, long entry, long brand)
      throws KernelException {
    w[1] = Codes.OC_PROCESS_IDENTIFY_ENTRY_WITH_BRAND;
    ipc.capArg(1, entry).capArg(2, brand).callOrThrow(process, 1, 2, -1);
    return new EntryIdentity(w[4] != 0, w[1], w[2], w[3] != 0);
  }

  // ------------------------------------------------------------------ Range

  /** {object type, OID} of an object capability; type is Codes.OT_INVALID for others. */
  public long[] identify(long range, long cap) throws KernelException {
    w[1] = Codes.OC_RANGE_IDENTIFY;
    ipc.capArg(1, cap).callOrThrow(range, 1, 1, -1);
    return new long[] {w[1], w[2]};
  }

  public void rescind(long range, long cap) throws KernelException {
    w[1] = Codes.OC_RANGE_RESCIND;
    ipc.capArg(1, cap).callOrThrow(range, 1, 1, -1);
  }

  public void getCap(long range, long oid, int obType, long into) throws KernelException {
    w[1] = Codes.OC_RANGE_GET_CAP;
    w[2] = oid;
    w[3] = obType;
    ipc.resultInto(0, into).callOrThrow(range, 3, 0, 0);
  }

  public void getProcess(long range, long oid, long brand, long into) throws KernelException {
    w[1] = Codes.OC_RANGE_GET_PROCESS;
    w[2] = oid;
    ipc.capArg(1, brand).resultInto(0, into).callOrThrow(range, 2, 1, 0);
  }

  /** {base, bound} of the OIDs of {@code obType} backed from {@code start}. */
  public long[] nextBackedSubrange(long range, long start, int obType) throws KernelException {
    w[1] = Codes.OC_RANGE_NEXT_BACKED_SUBRANGE;
    w[2] = start;
    w[3] = obType;
    ipc.callOrThrow(range, 3, 0, -1);
    return new long[] {w[1], w[2]};
  }
}
