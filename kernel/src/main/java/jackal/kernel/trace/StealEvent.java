package jackal.kernel.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** An idle CPU took a process from another CPU's ready queue. */
@Name("jackal.Steal")
@Label("Steal")
@Category({"Jackal", "Scheduler"})
@Description("An idle CPU took a ready process from another CPU of its node")
@StackTrace(false)
public final class StealEvent extends jdk.jfr.Event {
  @Label("CPU")
  @Description("The CPU that stole")
  public int cpu;

  @Label("From CPU")
  @Description("The CPU the process last ran on")
  public int fromCpu;

  @Label("Process")
  public String process;

  @Label("Process OID")
  public long processOid;
}
