package jackal.services.console;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.driver.TextConsoleSkeleton;
import jackal.services.idl.jackal.ConsoleDeviceClient;

/**
 * The TextConsole's program: serves {@code coyotos.driver.TextConsole} through the endpoint in
 * INITEPT (ID 1) and draws through the Console capability in {@link #CONSOLE}. Its data pages: the
 * string area for what it writes to the console at 0, the request's receive buffer after it.
 */
public final class TextConsoleProgram implements ProgramEntry {
  /** The Console capability (the terminal). */
  public static final int CONSOLE = CapReg.APP0;

  /** The endpoint ID of INITEPT, as every process's initial endpoint has. */
  public static final long INIT_ENDPOINT_ID = 1;

  static final long STRING_AREA = 0;
  static final long REQUEST_BUFFER = 4096;

  /** Data pages the program needs. */
  public static final int DATA_PAGES = 2;

  /** The loader makes one for the console's process. */
  public TextConsoleProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    ConsoleDeviceClient device = new ConsoleDeviceClient(new Ipc(sys));
    device.stringArea(STRING_AREA, 4096);
    TextConsoleDriver console = new TextConsoleDriver(device, new SpaceBankClient(new Ipc(sys)));
    Ipc ipc = new Ipc(sys);
    ipc.stringBuffer(REQUEST_BUFFER, TextConsoleSkeleton.REQUEST_STRING_BYTES);
    new ServerLoop(ipc).register(INIT_ENDPOINT_ID, new TextConsoleSkeleton(console)).run();
  }
}
