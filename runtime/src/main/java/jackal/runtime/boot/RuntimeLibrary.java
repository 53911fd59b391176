package jackal.runtime.boot;

import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.runtime.Ipc;
import java.util.Map;

/**
 * The runtime library as a program segment: the classes of {@code jackal.runtime} and the generated
 * stubs of {@code jackal.runtime.idl.coyotos}, the code every program links against (statically, as
 * a Coyotos program links its runtime). One kernel stores it once and maps the same pages into
 * every program space; each process still gets its own copy of the classes' state.
 */
public final class RuntimeLibrary {
  private RuntimeLibrary() {}

  private static final String RUNTIME = "jackal/runtime/";
  private static final String STUBS = "jackal/runtime/idl/coyotos/";

  private static volatile byte[] jar;

  /** The library's jar (built once per JVM from the runtime's own class files). */
  public static byte[] jar() {
    byte[] j = jar;
    if (j == null) {
      j = ClassFiles.jar(classes());
      jar = j;
    }
    return j;
  }

  /** The library's class files by internal name. */
  public static Map<String, byte[]> classes() {
    return ClassFiles.select(
        Ipc.class, n -> (inPackage(n, RUNTIME) || inPackage(n, STUBS)) && !isBootSide(n));
  }

  /** The boot side of package jackal.runtime: DefaultImage builds images, it is no program code. */
  private static boolean isBootSide(String internal) {
    return internal.equals(DEFAULT_IMAGE) || internal.startsWith(DEFAULT_IMAGE + "$");
  }

  private static final String DEFAULT_IMAGE = "jackal/runtime/DefaultImage";

  private static boolean inPackage(String internal, String pkg) {
    return internal.startsWith(pkg) && internal.indexOf('/', pkg.length()) < 0;
  }

  /** Stores the library in {@code k}'s pages, to be shared by the program spaces built on it. */
  public static CodeSegment segment(Kernel k) {
    try {
      return k.newCodeSegment(jar());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException(
          "the runtime library is not a valid segment: " + e.getMessage(), e);
    }
  }
}
