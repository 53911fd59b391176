package jackal.image.coyotos;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.CapClient;
import jackal.services.idl.coyotos.ConstructorClient;
import jackal.services.idl.coyotos.IoStreamClient;
import jackal.services.idl.coyotos.IoStreamCodes;
import jackal.services.idl.coyotos.ProcessClient;
import jackal.services.idl.coyotos.ProcessCodes;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.VerifierClient;
import jackal.services.stream.IoStreams;
import java.util.Arrays;

/**
 * Coyotos's NullStream and ZeroStream checks. As Coyotos's test does, the program takes its
 * schedule, makes a sub-bank of its own bank and asks the stream constructor in APP0 to build a
 * stream on it; the constructor's Verifier must recognise that stream, and must not recognise the
 * stream in APP0+2, built into the image by hand. Then, on the stream the constructor built: the
 * type is IoStream, a 4096-byte read answers nothing (Null) or 4096 zeros (Zero), a 4097-byte read
 * is a RequestError, a 4096-byte write takes 4096. Logs PASS, or FAIL and why, through the KernLog
 * in APP0+1.
 */
final class BlankStreamCheck {
  private static final int CONSTRUCTOR = CapReg.APP0;
  private static final int LOG = CapReg.APP0 + 1;
  private static final int HAND_BUILT = CapReg.APP0 + 2;
  private static final int BANK = CapReg.APP0 + 3;
  private static final int SCHEDULE = CapReg.APP0 + 4;
  private static final int STREAM = CapReg.APP0 + 5;
  private static final int VERIFIER = CapReg.APP0 + 6;
  private static final int CHANNEL = CapReg.APP0 + 7;

  private BlankStreamCheck() {}

  static void check(SystemCalls sys, boolean zero) throws KernelException {
    Log log = new Log(sys, LOG);
    Ipc ipc = new Ipc(sys);
    new ProcessClient(ipc).getSlot(reg(CapReg.SELF), ProcessCodes.cslot.schedule, reg(SCHEDULE));
    new SpaceBankClient(ipc).createChild(reg(CapReg.SPACEBANK), reg(BANK));
    ConstructorClient constructor = new ConstructorClient(ipc);
    constructor.create(reg(CONSTRUCTOR), reg(BANK), reg(SCHEDULE), reg(CapReg.NULL), reg(STREAM));
    constructor.getVerifier(reg(CONSTRUCTOR), reg(VERIFIER));
    VerifierClient verifier = new VerifierClient(ipc);
    String failed = null;
    if (!verifier.verifyYield(reg(VERIFIER), reg(STREAM))) {
      failed = "the constructor's verifier does not recognise the stream it built";
    }
    if (verifier.verifyYield(reg(VERIFIER), reg(HAND_BUILT))) {
      failed = "the constructor's verifier recognises a stream built by hand";
    }
    String checks = checkStream(sys, STREAM, zero);
    log.line(
        failed == null && checks == null ? "PASS" : "FAIL: " + (failed != null ? failed : checks));
  }

  /** The stream checks of Coyotos's test on the stream in {@code streamReg}: null if all pass. */
  private static String checkStream(SystemCalls sys, int streamReg, boolean zero)
      throws KernelException {
    long stream = reg(streamReg);
    IoStreamClient client = new IoStreamClient(new Ipc(sys)).stringArea(4096, IoStreams.BUF_LIMIT);
    IoStreams streams = new IoStreams(client, CHANNEL);
    String failed = null;
    if (new CapClient(new Ipc(sys)).getType(stream) != IoStreamCodes.IKT) {
      failed = "getType is not IoStream";
    }
    byte[] ones = new byte[4096];
    Arrays.fill(ones, (byte) 0xFF);
    sys.write(4096, ones, 0, ones.length); // the string area: zeros must come from the stream
    byte[] got = streams.read(stream, 4096);
    boolean readOk =
        zero ? got.length == 4096 && Arrays.equals(got, new byte[4096]) : got.length == 0;
    if (!readOk) {
      failed = "a read of 4096 answered " + got.length + " bytes";
    }
    try {
      streams.read(stream, 4097);
      failed = "a read of 4097 succeeded";
    } catch (KernelException e) {
      if (e.code() != Codes.RC_REQUEST_ERROR) {
        failed = "a read of 4097 answered 0x" + Long.toHexString(e.code());
      }
    }
    int wrote = streams.write(stream, ones);
    if (wrote != 4096) {
      failed = "a write of 4096 took " + wrote;
    }
    return failed;
  }

  private static long reg(int r) {
    return CapLoc.reg(r);
  }
}
