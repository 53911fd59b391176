package example.hello;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;

/**
 * The smallest Jackal program: it writes one line to the kernel log and returns. Its image gives
 * it a KernLog capability in register {@link #LOG} and one data page at address 0, where the
 * client stages the string it sends.
 */
public final class Hello implements ProgramEntry {
  /** The register the image puts the KernLog capability in. */
  public static final int LOG = CapReg.APP0;

  /** The loader makes one for the process. */
  public Hello() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    KernLogClient log = new KernLogClient(new Ipc(sys)).stringArea(0, 256);
    log.log(CapReg.loc(LOG), "hello, world".getBytes(UTF_8));
  }
}
