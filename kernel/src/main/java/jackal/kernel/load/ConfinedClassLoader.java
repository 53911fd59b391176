package jackal.kernel.load;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.load.capture.CaptureClasses;

/**
 * What every loader of program code resolves the same way: the capture classes (one per JVM), the
 * shared poll class, the kernel's API types ({@code jackal.kernel.api}, constants and interfaces
 * with no mutable static state) and the JDK classes the {@link AllowList} names. A subclass adds
 * the program classes it defines ({@link #own}); anything else is not found, and no resource is.
 *
 * <p>Parallel capable, so that the JVM takes no monitor on the loader: classes are loaded inside a
 * process's continuation, which must be free to yield.
 */
abstract sealed class ConfinedClassLoader extends ClassLoader
    permits ProcessClassLoader, SharedClassLoader {
  static {
    registerAsParallelCapable();
  }

  private static final ClassLoader KERNEL = ProgramEntry.class.getClassLoader();
  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
  private static final String KERNEL_API = "jackal.kernel.api.";

  final VerifiedProgram program;
  final AllowList allow;
  private final String refusal;

  /**
   * @param name the loader's name
   * @param refusal how a class outside what it hands out is refused ("not available to ...")
   */
  ConfinedClassLoader(String name, String refusal, VerifiedProgram program, AllowList allow) {
    super(name, null);
    this.refusal = refusal;
    this.program = program;
    this.allow = allow;
  }

  /** The program class of this name this loader defines or delegates to, or null. */
  abstract Class<?> own(String name) throws ClassNotFoundException;

  @Override
  protected final Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
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
    if (name.equals(PollClass.NAME)) {
      return PollClass.shared();
    }
    Class<?> own = own(name);
    if (own != null) {
      return own;
    }
    if (name.startsWith(KERNEL_API) && name.indexOf('.', KERNEL_API.length()) < 0) {
      return KERNEL.loadClass(name);
    }
    if (allow.isLoadable(name.replace('.', '/'))) {
      return PLATFORM.loadClass(name);
    }
    throw new ClassNotFoundException(name + " is not available to " + refusal);
  }

  @Override
  protected final Class<?> findClass(String name) throws ClassNotFoundException {
    return find(name);
  }

  @Override
  public final java.net.URL getResource(String name) {
    return null; // a program has no resources to read
  }

  @Override
  public final java.util.Enumeration<java.net.URL> getResources(String name) {
    return java.util.Collections.emptyEnumeration();
  }
}
