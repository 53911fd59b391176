package jackal.kernel.boot;

/**
 * What a checkpoint keeps of a process beyond its object record: whether its program has returned,
 * and the captured state of a program that runs (its frames, statics and objects, as the kernel's
 * program-state codec wrote them), or null for a process with no Java stack.
 *
 * @param oid the process's OID
 * @param exited its program returned or died: it is never dispatched again
 * @param program the captured program state, or null
 */
@SuppressWarnings("ArrayRecordComponent") // handed over, never compared
public record ProgramState(long oid, boolean exited, byte[] program) {}
