package jackal.kernel.load.capture;

import jackal.kernel.obj.Process;
import java.util.function.Consumer;

/**
 * The kernel's door to the program state of its processes, for the store (issue 12,
 * docs/PERSISTENCE.md): a process's Java frames, the static fields of its initialized program
 * classes and the program heap objects those reach, as bytes, and back.
 *
 * <p><b>Capture</b> happens on the process's own CPU thread, at a capture point of its program (the
 * entry of a system call, before anything of the call is done, or a preemption check), never from
 * outside: a Java stack cannot be read from another thread. {@link #request} marks the process; at
 * its next capture point whose stack is capturable the program unwinds, saving its frames, the
 * state is encoded, and the program is re-entered at once from the frames still in memory, so a
 * capture does not stop or change the process (its system call then runs from its start, as after
 * any wake-up). The answer goes to the callback, called once on that thread before the program runs
 * on; the callback must not block.
 *
 * <p><b>The bytes</b> ({@link ProgramStateFormat}) are versioned and checksummed, and name the
 * image they were taken from by the digest of its segments; they hold no kernel object except the
 * process's own trap gate, written as a tag. Restoring them into a process whose image differs, or
 * bytes that are corrupted or that name a class outside the image (another program's, the kernel's,
 * a JDK class the allow-list does not let programs hold), is refused with a message; it never
 * resumes wrongly.
 *
 * <p><b>Restore</b> is for a process that has not run in this kernel yet (a fresh kernel after a
 * restart, whose objects came from the store): at its first dispatch the image at its PC is loaded
 * as at any start (verified, rewritten, made capturable), then, instead of a fresh entry instance,
 * its statics are set without running the class initializers of classes initialized at the capture,
 * its heap objects are rebuilt without running constructors, and its frames are re-entered: it
 * continues from the system call or preemption check it was at, with its locals.
 *
 * <p>Thread safety: both methods may be called from any thread.
 */
public interface ProgramStates {
  /** The answer to a {@link #request}. */
  sealed interface Outcome {
    /** The process whose state was asked for. */
    Process process();

    /** The state, in {@link ProgramStateFormat}; the caller owns the array. */
    record Captured(Process process, byte[] state) implements Outcome {}

    /**
     * Not capturable now, with the reason: ask again later. Given when the process cannot reach a
     * capture point soon (parked with no capturable frame), is not running a loaded program
     * (trusted kernel-test code, not started, exited, faulted before its program ran), or its stack
     * was not capturable at the points it passed within the request's bound (a constructor or
     * static initializer frame, JDK code between two program frames).
     */
    record Retry(Process process, String reason) implements Outcome {}
  }

  /**
   * Asks {@code p} to capture its program state at its next capture point; returns at once. A
   * process parked in a system call is made to re-run the call's entry (as a wake-up does), where
   * it captures and waits again. A second request before the first is answered replaces it (the
   * first is answered {@link Outcome.Retry}).
   */
  void request(Process p, Consumer<Outcome> done);

  // Both methods throw IllegalStateException on a kernel that does not make programs capturable
  // (KernelConfig.capture off).

  /**
   * Makes {@code p}, which has not run in this kernel, resume from {@code state} at its first
   * dispatch instead of starting its program afresh.
   *
   * @throws BadProgramState now, for what can be checked without the image (format version, length,
   *     checksum); what needs the image (its digest, the classes and frames named) is checked when
   *     the process is loaded, and a mismatch gives the process the BAD_PROGRAM_IMAGE fault with
   *     the same message in the kernel log, never a wrong resume
   */
  void restore(Process p, byte[] state) throws BadProgramState;
}
