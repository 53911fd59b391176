package jackal.kernel.persist;

import jackal.kernel.obj.Process;

/**
 * Turns the state of a process's running program (its Java frames, the static fields of its
 * classes, the program objects they reach) into bytes at a checkpoint's cut, and back into a
 * running program in a fresh kernel. The kernel's part of a checkpoint (objects, registers,
 * capabilities, counters) does not depend on it; only processes whose program has a Java stack do.
 *
 * <p>{@link #NONE}, the default until a capturing codec is installed on the machine, captures
 * nothing: a checkpoint that meets a process with a live stack waits for it to end or block at no
 * stack, and is abandoned after its bound (naming the process). Processes that have not started,
 * that are queued to start from their entry, or whose program has returned need no codec.
 */
public interface ProgramStateCodec {
  /**
   * The state of {@code p}'s program, called at a cut with every CPU held and {@code p}'s lock
   * held, for a process whose program has a Java stack. Null if the program is not at a point where
   * it can be captured now: the checkpointer lets the system run and tries again.
   */
  byte[] capture(Process p);

  /**
   * Gives {@code p} (loaded from a checkpoint into a kernel not yet booted) the program state
   * {@link #capture} returned, to continue from at its first dispatch. Throws
   * IllegalArgumentException, with the reason, if the bytes cannot be restored.
   */
  void restore(Process p, byte[] state);

  /**
   * Called before the CPUs are held for a cut, and again before each retry of it, on the
   * checkpointer's thread with no lock held: a codec whose capture happens on the processes' own
   * threads asks for their states here and may wait for the answers until {@code deadlineNanos}
   * ({@link System#nanoTime}).
   */
  default void beforeCut(long deadlineNanos) {}

  /**
   * Called once a cut is over (taken or abandoned), after the CPUs run again, with no lock held:
   * processes held for the cut run on.
   */
  default void afterCut() {}

  /**
   * True from {@link #beforeCut} to {@link #afterCut}: processes may be held off the CPUs for the
   * cut, so a system with none on the CPUs is not quiet.
   */
  default boolean cutInProgress() {
    return false;
  }

  /**
   * Why {@code p}'s state could not be taken at the last try, for the message of an abandoned cut;
   * null if there is nothing to add.
   */
  default String whyNot(Process p) {
    return null;
  }

  /** The codec that captures nothing (see the class comment). */
  ProgramStateCodec NONE =
      new ProgramStateCodec() {
        @Override
        public byte[] capture(Process p) {
          return null;
        }

        @Override
        public void restore(Process p, byte[] state) {
          throw new IllegalArgumentException(
              p
                  + " was checkpointed with the state of a running program, and this kernel has"
                  + " no program-state codec to restore it");
        }
      };
}
