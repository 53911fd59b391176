package jackal.kernel.load;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.load.capture.CaptureClasses;

/**
 * The classes of one verified image that hold no state ({@link Statelessness}), defined once and
 * shared by every process of the image: every {@link ProcessClassLoader} of the image hands these
 * out instead of defining its own copy. They name nothing but one another, the kernel's API, the
 * allow-listed JDK and the shared poll class, so this loader finds nothing else: a process's
 * stateful classes are never reachable from here.
 *
 * <p>Parallel capable for the same reason as a process's loader: classes are loaded inside a
 * process's continuation, which must be free to yield.
 */
final class SharedClassLoader extends ClassLoader {
  static {
    registerAsParallelCapable();
  }

  private static final ClassLoader KERNEL = ProgramEntry.class.getClassLoader();
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
  private static final String KERNEL_API = "jackal.kernel.api.";

  private final VerifiedProgram program;
  private final AllowList allow;

  SharedClassLoader(VerifiedProgram program, AllowList allow) {
    super("shared classes", null);
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
      byte[] b = program.definable(name);
      try {
        return defineClass(name, b, 0, b.length);
      } catch (LinkageError e) {
        // Two processes loading the same class at once: the first definition wins, and is the
        // class both get (the loader is parallel capable, so the JVM does not serialise them).
        Class<?> c = findLoadedClass(name);
        if (c != null) {
          return c;
        }
        throw e;
      }
    }
    if (name.equals(PollClass.NAME)) {
      return PollClass.shared();
    }
    if (name.startsWith(KERNEL_API) && name.indexOf('.', KERNEL_API.length()) < 0) {
      return KERNEL.loadClass(name);
    }
    if (allow.isLoadable(name.replace('.', '/'))) {
      return PLATFORM.loadClass(name);
    }
    throw new ClassNotFoundException(name + " is not available to shared classes");
  }

  /** The image this loader defines the shared classes of. */
  VerifiedProgram program() {
    return program;
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    return find(name);
  }

  @Override
  public java.net.URL getResource(String name) {
    return null;
  }

  @Override
  public java.util.Enumeration<java.net.URL> getResources(String name) {
    return java.util.Collections.emptyEnumeration();
  }
}
