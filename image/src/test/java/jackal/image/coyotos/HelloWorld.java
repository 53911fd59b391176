package jackal.image.coyotos;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.KernelException;

/** Coyotos's HelloWorld: logs through the KernLog capability in APP0. */
public final class HelloWorld implements ProgramEntry {
  @Override
  public void run(SystemCalls sys) throws KernelException {
    new Log(sys, CapReg.APP0).line("hello, world");
  }
}
