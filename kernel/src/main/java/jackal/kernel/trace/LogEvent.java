package jackal.kernel.trace;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A line a process wrote to the kernel log through KernLog, tagged with that process. */
@Name("jackal.Log")
@Label("Kernel Log Line")
@Category({"Jackal", "Log"})
@StackTrace(false)
public final class LogEvent extends jdk.jfr.Event {
  @Label("Process")
  public String process;

  @Label("Process OID")
  public long processOid;

  @Label("Text")
  public String text;
}
