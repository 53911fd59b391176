package jackal.kernel.boot;

/**
 * What a checkpoint keeps of a process beyond its object record: whether its program has returned,
 * and the captured state of a program that runs (its frames, statics and objects, as the kernel's
 * program-state codec wrote them), or null for a process with no Java stack.
 *
 * @param oid the process's OID
 * @param exited its program returned or died: it is never dispatched again
 * @param program the captured program state, or null
 * @param receiveSuspended the cut woke the process out of a receive to capture its program: it
 *     resumes into that receive, and senders wait for it meanwhile (Process.receiveSuspended)
 */
@SuppressWarnings("ArrayRecordComponent") // handed over, never compared
public record ProgramState(long oid, boolean exited, byte[] program, boolean receiveSuspended) {
  /** A state with no receive suspended. */
  public ProgramState(long oid, boolean exited, byte[] program) {
    this(oid, exited, program, false);
  }
}
