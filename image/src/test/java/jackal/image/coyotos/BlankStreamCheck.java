package jackal.image.coyotos;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.CapClient;
import jackal.services.idl.coyotos.IoStreamClient;
import jackal.services.idl.coyotos.IoStreamCodes;
import jackal.services.stream.IoStreams;
import java.util.Arrays;

/**
 * Coyotos's NullStream and ZeroStream checks on the stream in APP0, logged through the KernLog in
 * APP0+1: the type is IoStream, a 4096-byte read answers nothing (Null) or 4096 zeros (Zero), a
 * 4097-byte read is a RequestError, a 4096-byte write takes 4096. Logs PASS, or FAIL and why.
 */
final class BlankStreamCheck {
  private BlankStreamCheck() {}

  static void check(SystemCalls sys, boolean zero) throws KernelException {
    Log log = new Log(sys, CapReg.APP0 + 1);
    long stream = CapLoc.reg(CapReg.APP0);
    IoStreamClient client = new IoStreamClient(new Ipc(sys)).stringArea(4096, IoStreams.BUF_LIMIT);
    IoStreams streams = new IoStreams(client, CapReg.APP0 + 2);
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
    log.line(failed == null ? "PASS" : "FAIL: " + failed);
  }
}
