package jackal.services.boot;

import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.runtime.boot.ClassFiles;
import jackal.services.stream.PipeProgram;
import java.util.Map;

/**
 * The streams, the console and the services' generated stubs as a program segment: the code of the
 * stream and console servers, and what a program links against to use them (the IoStream client
 * library, {@code jackal.services.stream.IoStreams}, and the stubs), over the runtime library.
 */
public final class ServicesLibrary {
  private static volatile byte[] jar;

  private ServicesLibrary() {}

  /** The library's jar (built once per JVM from the services' own class files). */
  public static byte[] jar() {
    byte[] j = jar;
    if (j == null) {
      Map<String, byte[]> classes =
          ClassFiles.select(
              PipeProgram.class,
              n ->
                  n.startsWith("jackal/services/stream/")
                      || n.startsWith("jackal/services/console/")
                      || n.startsWith("jackal/services/idl/")
                          && !n.equals(ServiceNames.TABLE_CLASS));
      j = ClassFiles.jar(classes);
      jar = j;
    }
    return j;
  }

  /** The library stored in {@code k}'s pages, to map into program spaces. */
  public static CodeSegment segment(Kernel k) {
    try {
      return k.newCodeSegment(jar());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException("the services library is refused: " + e.getMessage(), e);
    }
  }
}
