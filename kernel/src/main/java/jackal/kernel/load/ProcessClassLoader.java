package jackal.kernel.load;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.load.capture.Capture;
import jackal.kernel.load.capture.CaptureClasses;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One process's classes. It defines the program's and the runtime library's classes that may hold
 * state itself, from the verified (and rewritten) bytes of the image, lazily, so their static
 * fields belong to this process alone; the classes proven to hold none ({@link Statelessness}) it
 * takes from the image's {@link SharedClassLoader}, defined once for all its processes. Two
 * processes of one program share code and never state. It hands out only the JDK classes the {@link
 * AllowList} names and the kernel's API types ({@code jackal.kernel.api}, constants and interfaces
 * with no mutable static state); anything else is not found.
 *
 * <p>Registered as parallel capable so that the JVM takes no monitor on the loader: classes are
 * loaded inside the process's continuation, which must be free to yield.
 */
public final class ProcessClassLoader extends ClassLoader implements Capture.ClassInits {
  static {
    registerAsParallelCapable();
  }

  private static final ClassLoader KERNEL = ProgramEntry.class.getClassLoader();
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
  private static final String KERNEL_API = "jackal.kernel.api.";

  private final VerifiedProgram program;
  private final AllowList allow;

  /** The program classes whose static initializers started, in order (for program state). */
  private final List<Class<?>> initialized = new CopyOnWriteArrayList<>();

  ProcessClassLoader(String processName, VerifiedProgram program, AllowList allow) {
    super("process " + processName, null);
    this.program = program;
    this.allow = allow;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    Class<?> c = findLoadedClass(name);
    if (c == null) {
      c = find(name);
    }
    if (resolve) {
      resolveClass(c);
    }
    return c;
  }

  private Class<?> find(String name) throws ClassNotFoundException {
    Class<?> capture = CaptureClasses.find(name); // what capturable code calls: one per JVM
    if (capture != null) {
      return capture;
    }
    if (program.isShared(name)) {
      return program.sharedLoader(allow).loadClass(name);
    }
    if (name.equals(PollClass.NAME)) {
      return PollClass.shared();
    }
    byte[] b = program.definable(name);
    if (b != null) {
      return defineClass(name, b, 0, b.length);
    }
    if (name.startsWith(KERNEL_API) && name.indexOf('.', KERNEL_API.length()) < 0) {
      return KERNEL.loadClass(name);
    }
    if (allow.isLoadable(name.replace('.', '/'))) {
      return PLATFORM.loadClass(name);
    }
    throw new ClassNotFoundException(name + " is not available to programs");
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

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    return find(name);
  }

  @Override
  public java.net.URL getResource(String name) {
    return null; // a program has no resources to read
  }

  @Override
  public java.util.Enumeration<java.net.URL> getResources(String name) {
    return java.util.Collections.emptyEnumeration();
  }
}
