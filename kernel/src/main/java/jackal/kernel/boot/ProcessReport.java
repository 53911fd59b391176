package jackal.kernel.boot;

import jackal.kernel.api.FaultCode;

/**
 * What {@link Kernel#processes()} says of one process: enough to tell, when a system has gone
 * quiet, why each process that did not return is where it is.
 *
 * @param process the process
 * @param name its name (or {@code process#OID})
 * @param info its state
 * @param waitingFor what it waits for, in words ("a message", "to send to server#3 (faulted)"), or
 *     null if it waits for nothing
 * @param hasHandler whether its process handler slot holds a capability
 * @param death the kernel log's account of the failure that ended its program (exception and
 *     stack), or null
 */
public record ProcessReport(
    ObjectRef process,
    String name,
    ProcessInfo info,
    String waitingFor,
    boolean hasHandler,
    String death) {

  /** True if the process holds a fault nobody has cleared (a dead program included). */
  public boolean faulted() {
    return info.runState() == ProcessInfo.FAULTED
        || (info.faultCode() != FaultCode.NO_FAULT && info.faultCode() != FaultCode.STARTUP);
  }

  /** One paragraph for a person: the process, its state, and (for a dead program) its stack. */
  public String describe() {
    StringBuilder b = new StringBuilder(name).append(": ");
    if (info.exited()) {
      return b.append("returned").toString();
    }
    if (faulted()) {
      b.append(info.died() ? "died with " : "faulted with ")
          .append(FaultCode.name(info.faultCode()))
          .append(" (")
          .append(info.faultCode())
          .append(") at 0x")
          .append(Long.toHexString(info.faultInfo()))
          .append(hasHandler ? "; its handler has not resumed it" : "; it has no handler");
      if (info.died() && death != null) {
        b.append('\n').append(death.indent(2).stripTrailing());
      }
      return b.toString();
    }
    if (waitingFor != null) {
      return b.append("blocked, waiting for ").append(waitingFor).toString();
    }
    return b.append("ready to run").toString();
  }
}
