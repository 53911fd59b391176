package jackal.bench;

import jackal.kernel.boot.ConfinedCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads the classes of {@code jackal.bench.programs} in a loader of their own, either plainly or
 * rewritten with their preemption checks (reading the kernel's shared poll class), the way the
 * kernel's program loader does: the two copies of the same code run side by side in one JVM.
 */
final class ProgramLoader extends ClassLoader {
  static final String PACKAGE = "jackal.bench.programs.";

  private final boolean confined;

  ProgramLoader(boolean confined) {
    super(confined ? "confined" : "plain", ProgramLoader.class.getClassLoader());
    this.confined = confined;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        byte[] b;
        if (confined && name.equals(ConfinedCode.POLL_CLASS)) {
          return ConfinedCode.sharedPollClass();
        } else if (name.startsWith(PACKAGE)) {
          b = original(name);
          if (confined) {
            b = ConfinedCode.rewrite(b);
          }
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

  Class<?> load(String simpleName) {
    try {
      return Class.forName(PACKAGE + simpleName, true, this);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] original(String name) {
    String path = name.replace('.', '/') + ".class";
    try (InputStream in = ProgramLoader.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no class file for " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
