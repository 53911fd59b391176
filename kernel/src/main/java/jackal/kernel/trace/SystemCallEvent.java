package jackal.kernel.trace;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * One system call of a process, from its trap to its return: a call spans the wait for its reply, a
 * receive the wait for its message.
 */
@Name("jackal.SystemCall")
@Label("System Call")
@Category({"Jackal", "IPC"})
@Description("A process's trap into the kernel, from entry to return (a call includes its reply)")
@StackTrace(false)
public final class SystemCallEvent extends jdk.jfr.Event {
  @Label("Process")
  public String process;

  @Label("Process OID")
  public long processOid;

  @Label("CPU")
  @Description("The CPU the process returned on")
  public int cpu;

  @Label("Kind")
  @Description("call, send, receive, reply, copyCap or yield")
  public String kind;

  @Label("Capability Type")
  @Description("The type of the invoked capability (register form; memory locations are not read)")
  public String capType;

  @Label("Target OID")
  @Description("The OID of the invoked capability's object, or -1")
  public long targetOid;

  @Label("Endpoint ID")
  public long endpointId;

  @Label("Protected Payload")
  public long payload;

  @Label("Callee")
  @Description("The recipient of the invoked endpoint, when it has one")
  public String callee;

  @Label("Opcode")
  public long opcode;

  @Label("Interface")
  @Description("The CapIDL interface that declares the method, when the code is known")
  public String interfaceName;

  @Label("Method")
  public String method;

  @Label("Result")
  @Description("OK, an exception name, a fault, or what a receive got")
  public String result;

  @Label("Result Code")
  public long resultCode;
}
