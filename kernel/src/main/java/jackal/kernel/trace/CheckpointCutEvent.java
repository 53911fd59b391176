package jackal.kernel.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * A checkpoint's cut (issue 12): the whole time the CPUs were held, and its phases. One per cut, so
 * it costs nothing on the invocation path.
 */
@Name("jackal.CheckpointCut")
@Label("Checkpoint cut")
@Category({"Jackal", "Checkpoint"})
@Description("The pause of a checkpoint: every CPU held while the cut is taken")
@StackTrace(false)
public final class CheckpointCutEvent extends jdk.jfr.Event {
  @Label("Cut")
  @Description("The kernel's count of cuts, 1 for the first")
  public long number;

  @Label("Full")
  @Description("Every object taken, not only the changed ones")
  public boolean full;

  @Label("Holding")
  @Description("From asking the CPUs to stop until every one was held")
  @Timespan(Timespan.NANOSECONDS)
  public long holdNanos;

  @Label("Program states")
  @Description("Taking every process's program state")
  @Timespan(Timespan.NANOSECONDS)
  public long programsNanos;

  @Label("Objects")
  @Description("Taking the changed objects: small ones copied, pages marked copy-on-write")
  @Timespan(Timespan.NANOSECONDS)
  public long objectsNanos;

  @Label("Pause")
  @Description("The whole time the CPUs were held for the cut")
  @Timespan(Timespan.NANOSECONDS)
  public long pauseNanos;

  @Label("Objects taken")
  public int objects;

  @Label("Pages taken")
  public int pages;
}
