package jackal.kernel.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A process on a CPU: from the dispatch of its continuation until it yields. */
@Name("jackal.Dispatch")
@Label("Dispatch")
@Category({"Jackal", "Scheduler"})
@Description("A process running on a simulated CPU, from dispatch until its continuation yields")
@StackTrace(false)
public final class DispatchEvent extends jdk.jfr.Event {
  @Label("CPU")
  public int cpu;

  @Label("Process")
  public String process;

  @Label("Process OID")
  public long processOid;
}
