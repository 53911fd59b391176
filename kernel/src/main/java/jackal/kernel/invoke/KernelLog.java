package jackal.kernel.invoke;

import java.io.PrintStream;

/** Where KernLog output and kernel messages go: one line at a time, never interleaved. */
public final class KernelLog {
  private final PrintStream out;

  KernelLog(PrintStream out) {
    this.out = out;
  }

  /** Writes {@code text}, adding a newline if it lacks one. */
  public void line(String text) {
    synchronized (out) {
      if (text.endsWith("\n")) {
        out.print(text);
      } else {
        out.println(text);
      }
      out.flush();
    }
  }
}
