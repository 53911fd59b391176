package jackal.image.coyotos;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * Coyotos's testAppInt client (B, testProg): takes A's first notice in an open wait; sends A a
 * one-way testWhileOpenWait and takes the notice A posts meanwhile; calls testWhileClosedWait,
 * during whose closed wait A posts 0x2, which must not wake it; takes 0x2 at its next open wait;
 * then faults on purpose, as Coyotos's test does.
 */
public final class AppIntB implements ProgramEntry {
  /** The registers of Coyotos's testAppInt.mki (APP.KERNLOG, APP.OTHER, APP.APPNOTICE). */
  static final int KERNLOG = CapReg.APP0 + 4;

  static final int OTHER = CapReg.APP0 + 5;
  static final int APPNOTICE = CapReg.APP0 + 6;

  static final int TEST_WHILE_OPEN_WAIT = 1;
  static final int TEST_WHILE_CLOSED_WAIT = 2;

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Log log = new Log(sys, KERNLOG);
    Ipc ipc = new Ipc(sys);
    log.line("Getting notices");
    notices(ipc, log);
    log.line("Doing open wait test");
    ipc.w[1] = TEST_WHILE_OPEN_WAIT;
    ipc.send(CapLoc.reg(OTHER), 1, -1, false);
    notices(ipc, log);
    log.line("Doing closed wait test");
    ipc.w[1] = TEST_WHILE_CLOSED_WAIT;
    ipc.callOrThrow(CapLoc.reg(OTHER), 1, -1, -1);
    log.line("closed wait finished, checking for notices");
    notices(ipc, log);
    log.line("test complete.");
    // Coyotos's B stores to address 0; here address 0 is B's data page, so it stores past it.
    sys.storeInt(4096, 0);
  }

  /** An open wait, which must bring notices (endpoint ID ~0, AppNotice.postNotice). */
  private static void notices(Ipc ipc, Log log) throws KernelException {
    ipc.receive();
    if (ipc.endpointId() != -1L || ipc.opcode() != Codes.OC_APP_NOTICE_POST_NOTICE) {
      log.line("FAIL: expected notices, got opcode " + ipc.opcode() + " on " + ipc.endpointId());
      return;
    }
    String hex = Long.toHexString(ipc.w[2] & 0xFFFF_FFFFL);
    log.line("Received notices: 0x" + "00000000".substring(hex.length()) + hex);
  }
}
