package jackal.runtime;

import jackal.kernel.boot.ConfinedCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A stand-in for the program loader until it exists: defines the classes of one test package in a
 * loader of their own, rewritten with their preemption checks, reading the kernel's shared poll
 * class as loaded programs do (the test binds the process with {@code Kernel.bindPreemption}).
 */
final class ConfinedPrograms extends ClassLoader {
  private final String prefix;

  ConfinedPrograms(String packageName) {
    super("confined-programs", ConfinedPrograms.class.getClassLoader());
    this.prefix = packageName + ".";
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        byte[] b;
        if (name.equals(ConfinedCode.POLL_CLASS)) {
          return ConfinedCode.sharedPollClass();
        } else if (name.startsWith(prefix)) {
          b = ConfinedCode.rewrite(original(name));
        } else {
          return super.loadClass(name, resolve);
        }
        c = defineClass(name, b, 0, b.length);
      }
      if (resolve) {
        resolveClass(c);
      }
      return c;
    }
  }

  Class<?> pollClass() {
    try {
      return loadClass(ConfinedCode.POLL_CLASS);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] original(String name) {
    String path = name.replace('.', '/') + ".class";
    try (InputStream in = ConfinedPrograms.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no class file for " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
