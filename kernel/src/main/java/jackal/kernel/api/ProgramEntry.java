package jackal.kernel.api;

/**
 * The code a process runs: the Java counterpart of a program counter in an address space. It
 * receives its process's trap gate and nothing else of the kernel.
 */
@FunctionalInterface
public interface ProgramEntry {
  void run(SystemCalls sys) throws Exception;
}
