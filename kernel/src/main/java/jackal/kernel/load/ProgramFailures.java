package jackal.kernel.load;

import jackal.kernel.api.FaultCode;
import jackal.kernel.sched.AllocationLimitError;

/**
 * What becomes of a program that fails: the fault its process takes, and the kernel log's account
 * of it. The account calls no method a program class can override (it reads a program throwable's
 * class name and stack trace, both final or refused to programs by the verifier), so a program
 * cannot run its code in the kernel's report of its own death.
 */
public final class ProgramFailures {
  private ProgramFailures() {}

  private static final int MAX_CAUSES = 8;
  private static final int MAX_FRAMES = 32;
  private static final String KERNEL = "jackal.kernel.";

  /**
   * A process's death when not even the kernel's reserve left room to describe it (made before any
   * failure, since it is needed when nothing can be allocated).
   */
  public static final String NO_ROOM_FOR_ACCOUNT =
      "java.lang.OutOfMemoryError (the heap was too full to describe it)";

  /** The fault for a throwable that ended a program's run. */
  public static int faultCode(Throwable t) {
    if (t instanceof LoadFailure f) {
      return f.faultCode();
    }
    if (t instanceof StackOverflowError) {
      return FaultCode.STACK_OVERFLOW;
    }
    if (t instanceof AllocationLimitError || t instanceof OutOfMemoryError) {
      return FaultCode.ALLOCATION_LIMIT;
    }
    return FaultCode.PROGRAM_EXCEPTION;
  }

  /**
   * {@code t} and its causes, each with the program's frames of its stack: what the kernel log
   * prints after "process P died: ".
   */
  public static String account(Throwable t) {
    StringBuilder b = new StringBuilder();
    Throwable c = t;
    for (int depth = 0; c != null && depth < MAX_CAUSES; depth++) {
      if (depth > 0) {
        b.append("\n  caused by: ");
      }
      boolean program = isProgramClass(c.getClass());
      if (program) {
        b.append(c.getClass().getName()).append(" (a program class: its message is not read)");
      } else {
        b.append(c);
      }
      StackTraceElement[] frames = c.getStackTrace();
      for (int i = 0; i < frames.length && i < MAX_FRAMES; i++) {
        if (frames[i].getClassName().startsWith(KERNEL)) {
          break; // the kernel's own frames below the program tell nothing about it
        }
        b.append("\n    at ").append(frames[i]);
      }
      if (frames.length > MAX_FRAMES) {
        b.append("\n    ... ").append(frames.length - MAX_FRAMES).append(" more");
      }
      if (program || c instanceof LoadFailure) {
        break; // a program's getCause() is its own code
      }
      c = c.getCause();
    }
    return b.toString();
  }

  /**
   * Whether {@code c} is a program's own class: defined by a process's loader, or by its image's
   * loader of shared (stateless) classes. Its methods are program code the kernel never runs.
   */
  static boolean isProgramClass(Class<?> c) {
    ClassLoader l = c.getClassLoader();
    return l instanceof ProcessClassLoader || l instanceof SharedClassLoader;
  }
}
