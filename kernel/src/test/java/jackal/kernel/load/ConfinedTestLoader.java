package jackal.kernel.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A stand-in for the program loader in tests: defines the classes of one package from the test
 * class path in a loader of their own, rewritten by {@link ProgramRewriter} (or plain, to compare),
 * with that loader's own {@link PollClass}.
 */
public final class ConfinedTestLoader extends ClassLoader {
  private final String prefix;
  private final boolean rewrite;

  public ConfinedTestLoader(String packageName, boolean rewrite) {
    super("confined-test", ConfinedTestLoader.class.getClassLoader());
    this.prefix = packageName + ".";
    this.rewrite = rewrite;
  }

  /** The class file of {@code name} as the test class path holds it. */
  public static byte[] original(String name) {
    String path = name.replace('.', '/') + ".class";
    try (InputStream in = ConfinedTestLoader.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no class file for " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) {
        byte[] b;
        if (name.equals(PollClass.NAME)) {
          b = PollClass.bytes();
        } else if (name.startsWith(prefix)) {
          b = original(name);
          if (rewrite) {
            b = ProgramRewriter.rewrite(b);
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

  /** This loader's poll class. */
  public Class<?> pollClass() {
    try {
      return loadClass(PollClass.NAME);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
