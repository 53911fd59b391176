package jackal.image.coyotos;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.AppNoticeClient;

/**
 * Coyotos's testAppInt server (A): posts notice 0x1 to B, then serves B's two requests, posting 0x4
 * while B is in an open wait and 0x2 while B is in the closed wait of its call.
 */
public final class AppIntA implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Log log = new Log(sys, AppIntB.KERNLOG);
    AppNoticeClient notices = new AppNoticeClient(new Ipc(sys));
    long b = CapLoc.reg(AppIntB.APPNOTICE);
    notices.postNotice(b, 0x1);
    Ipc ipc = new Ipc(sys);
    ipc.receive();
    for (; ; ) {
      if (ipc.opcode() == AppIntB.TEST_WHILE_OPEN_WAIT) {
        log.line("testWhileOpenWait()");
        notices.postNotice(b, 0x4);
        log.line("testWhileOpenWait() appNotice posted");
        ipc.receive(); // a one-way message: nothing to answer
      } else if (ipc.opcode() == AppIntB.TEST_WHILE_CLOSED_WAIT) {
        log.line("testWhileClosedWait()");
        notices.postNotice(b, 0x2);
        log.line("testWhileClosedWait() appNotice posted");
        ipc.replyAndReceive(0, -1);
      } else {
        ipc.receive();
      }
    }
  }
}
