package jackal.kernel.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A fault recorded on a process and sent to its handler (or kept, when nobody handles it). */
@Name("jackal.FaultDelivery")
@Label("Fault Delivery")
@Category({"Jackal", "Faults"})
@Description("A process faulted: the fault went to a memory or process handler, or to nobody")
@StackTrace(false)
public final class FaultDeliveryEvent extends jdk.jfr.Event {
  @Label("Process")
  public String process;

  @Label("Process OID")
  public long processOid;

  @Label("Fault")
  public String fault;

  @Label("Fault Code")
  public int faultCode;

  @Label("Fault Info")
  public long faultInfo;

  @Label("Handler")
  @Description("The process the fault was sent to; empty when nobody handles it")
  public String handler;

  @Label("Handler Kind")
  @Description("memory, process or none")
  public String handlerKind;
}
