package jackal.kernel.load;

/**
 * The classes of one verified image that hold no state ({@link Statelessness}), defined once and
 * shared by every process of the image: every {@link ProcessClassLoader} of the image hands these
 * out instead of defining its own copy. They name nothing but one another, the kernel's API, the
 * allow-listed JDK and the shared poll class, so this loader finds nothing else: a process's
 * stateful classes are never reachable from here.
 */
final class SharedClassLoader extends ConfinedClassLoader {
  static {
    registerAsParallelCapable();
  }

  SharedClassLoader(VerifiedProgram program, AllowList allow) {
    super("shared classes", "shared classes", program, allow);
  }

  @Override
  Class<?> own(String name) {
    if (!program.isShared(name)) {
      return null;
    }
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

  /** The image this loader defines the shared classes of. */
  VerifiedProgram program() {
    return program;
  }
}
