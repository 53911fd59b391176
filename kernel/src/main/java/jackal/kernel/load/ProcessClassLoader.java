package jackal.kernel.load;

import jackal.kernel.load.capture.Capture;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One process's classes. It defines the program's and the runtime library's classes that may hold
 * state itself, from the verified (and rewritten) bytes of the image, lazily, so their static
 * fields belong to this process alone; the classes proven to hold none ({@link Statelessness}) it
 * takes from the image's {@link SharedClassLoader}, defined once for all its processes. Two
 * processes of one program share code and never state. Everything else it resolves as every {@link
 * ConfinedClassLoader} does.
 */
public final class ProcessClassLoader extends ConfinedClassLoader implements Capture.ClassInits {
  static {
    registerAsParallelCapable();
  }

  /** The program classes whose static initializers started, in order (for program state). */
  private final List<Class<?>> initialized = new CopyOnWriteArrayList<>();

  ProcessClassLoader(String processName, VerifiedProgram program, AllowList allow) {
    super("process " + processName, "programs", program, allow);
  }

  @Override
  Class<?> own(String name) throws ClassNotFoundException {
    if (program.isShared(name)) {
      return program.sharedLoader(allow).loadClass(name);
    }
    byte[] b = program.definable(name);
    return b == null ? null : defineClass(name, b, 0, b.length);
  }

  /**
   * Defines a class the kernel adds to this process (for example its preemption-check class). Only
   * the kernel holds a process's loader.
   */
  public Class<?> defineKernelClass(String name, byte[] bytes) {
    return defineClass(name, bytes, 0, bytes.length);
  }

  @Override
  public void initialized(Class<?> c) {
    if (c.getClassLoader() == this) {
      initialized.add(c);
    }
  }

  /** The program classes initialized so far, in the order their initializers started. */
  public List<Class<?>> initializedClasses() {
    return List.copyOf(initialized);
  }

  /** The image this loader defines classes of. */
  public VerifiedProgram program() {
    return program;
  }
}
