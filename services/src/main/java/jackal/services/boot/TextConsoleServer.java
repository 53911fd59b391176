package jackal.services.boot;

import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.services.console.TextConsoleProgram;

/**
 * Builds a TextConsole into an image: its process, holding the Console capability (the terminal),
 * and its entry capability ({@link #entry()}) to hand to clients. Only this process holds Console;
 * its clients reach the terminal through it.
 *
 * @param process the console's process (start it with the image's other processes)
 * @param endpoint the console's endpoint (its INITEPT)
 */
public record TextConsoleServer(Kernel kernel, ObjectRef process, ObjectRef endpoint) {
  /** A TextConsole over {@code runtime} (the runtime library segment) in {@code k}. */
  public static TextConsoleServer build(Kernel k, CodeSegment runtime) {
    ServiceProcess s =
        ServiceProcess.load(
            k, runtime, "text-console", TextConsoleProgram.class, TextConsoleProgram.DATA_PAGES);
    k.setCapReg(s.process(), TextConsoleProgram.CONSOLE, k.kernelCap(KernelService.CONSOLE));
    return new TextConsoleServer(k, s.process(), s.endpoint());
  }

  /** The console's entry capability (Coyotos's PP Terminal, 0). */
  public CapRef entry() {
    return kernel.entry(endpoint, 0);
  }

  /**
   * Gives the server {@code bank} as its SPACEBANK: the bank {@code destroy} asks to destroy itself
   * (without one, destroy is refused).
   */
  public TextConsoleServer bank(CapRef bank) {
    kernel.setCapReg(process, CapReg.SPACEBANK, bank);
    return this;
  }
}
