package jackal.image.coyotos;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;

/**
 * Coyotos's testHandler handler: its INITEPT is its children's process handler (payload 0) and
 * memory handler (payload 1). It logs which handler each fault came to (through the KernLog in
 * APP0) and never replies, so the children stay faulted.
 */
public final class Handler implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    Log log = new Log(sys, CapReg.APP0);
    Ipc ipc = new Ipc(sys);
    for (; ; ) {
      ipc.receive();
      String as =
          switch (ipc.opcode()) {
            case Codes.OC_PROCESS_HANDLER_HANDLE -> "ProcessHandler";
            case Codes.OC_MEMORY_HANDLER_HANDLE -> "MemoryHandler";
            default -> "other 0x" + Integer.toHexString(ipc.opcode());
          };
      log.line(as + " (payload " + ipc.payload() + ", fault code " + ipc.w[2] + ")");
    }
  }
}
