package jackal.kernel.load.capture;

import jackal.kernel.load.capture.CaptureTransform.Kind;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URISyntaxException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a sample program the way the tests need it: its classes (the top-level class and its nested
 * ones, from the test class path) made capturable, defined in a fresh loader for each run, its
 * {@code static long run(long)} called with {@link Sys} capturing at a chosen call.
 */
final class CaptureRig {
  static final CaptureTransform.CapturePoints POINTS =
      (owner, name, descriptor) -> {
        if (!owner.equals("jackal/kernel/load/capture/Sys")) {
          return Kind.NONE;
        }
        return switch (name) {
          case "call" -> Kind.SYSTEM_CALL;
          case "check" -> Kind.PREEMPTION_CHECK;
          default -> Kind.NONE;
        };
      };

  final String mainClass;
  final CaptureTransform.Result result;

  CaptureRig(String mainClass) throws NotCapturable {
    this.mainClass = mainClass;
    this.result =
        CaptureTransform.transform(
            program(mainClass), POINTS, ClassHierarchyResolver.defaultResolver());
  }

  /** The class files of {@code mainClass} and its nested classes, by binary name. */
  static Map<String, byte[]> program(String mainClass) {
    Map<String, byte[]> out = new TreeMap<>();
    String path = mainClass.replace('.', '/');
    URL url = CaptureRig.class.getClassLoader().getResource(path + ".class");
    if (url == null) {
      throw new IllegalArgumentException("no class " + mainClass);
    }
    try {
      File dir = new File(url.toURI()).getParentFile();
      String simple = path.substring(path.lastIndexOf('/') + 1);
      String pkg = mainClass.substring(0, mainClass.lastIndexOf('.') + 1);
      for (File f : dir.listFiles()) {
        String n = f.getName();
        if (n.equals(simple + ".class") || n.startsWith(simple + "$")) {
          out.put(pkg + n.substring(0, n.length() - ".class".length()), bytes(f));
        }
      }
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static byte[] bytes(File f) {
    try (InputStream in = f.toURI().toURL().openStream()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh loader holding the transformed program. */
  Loader loader() {
    return new Loader(result.classes());
  }

  static final class Loader extends ClassLoader {
    private final Map<String, byte[]> classes;

    Loader(Map<String, byte[]> classes) {
      super("capturable", CaptureRig.class.getClassLoader());
      this.classes = classes;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          byte[] b = classes.get(name);
          Class<?> shared = CaptureClasses.find(name);
          if (shared != null) {
            return shared;
          }
          if (b == null) {
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
  }

  /** What one run did: its result, or the frames it was captured in. */
  record Run(Long result, List<Frame> frames, long capturedAt) {}

  /**
   * Runs the program in {@code loader} from its start with {@code seed}, or resumes it from {@code
   * frames} if they are given; captures at call {@code captureAt} (0: never).
   */
  Run run(Loader loader, long seed, long captureAt, List<Frame> frames) {
    Capture state = new Capture(result.plan());
    Sys.state = state;
    Sys.reset(captureAt);
    if (frames != null) {
      state.beginRestore(frames);
    }
    try {
      MethodHandle run =
          MethodHandles.publicLookup()
              .findStatic(
                  Class.forName(mainClass, true, loader),
                  "run",
                  MethodType.methodType(long.class, long.class));
      long r = (long) run.invokeExact(frames == null ? seed : 0L);
      return new Run(r, null, 0);
    } catch (RuntimeException | Error e) {
      if (CaptureClasses.isUnwind(e)) {
        return new Run(null, state.takeFrames(), Sys.capturedAt);
      }
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    } finally {
      state.abandonRestore();
    }
  }

  /** The result and the number of capture points passed by a run that is not captured. */
  long[] plainRun(long seed) {
    Run r = run(loader(), seed, 0, null);
    return new long[] {r.result(), Sys.calls};
  }

  /**
   * Captures a run at call {@code at}, writes its frames to bytes, reads them back in a fresh
   * loader and resumes there: the resumed run's result.
   */
  long captureAndResume(long seed, long at) {
    Loader first = loader();
    Run captured = run(first, seed, at, null);
    if (captured.frames() == null) {
      throw new AssertionError(mainClass + " was not captured at call " + at);
    }
    byte[] bytes = FrameCodec.write(captured.frames(), first);
    Loader second = loader();
    Run resumed = run(second, seed, 0, FrameCodec.read(bytes, second));
    if (resumed.result() == null) {
      throw new AssertionError("the resumed run was captured again");
    }
    return resumed.result();
  }
}
