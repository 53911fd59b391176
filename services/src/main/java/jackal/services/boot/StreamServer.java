package jackal.services.boot;

import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.services.stream.NullStreamProgram;
import jackal.services.stream.ZeroStreamProgram;

/**
 * Builds a Null or Zero stream into an image: its process, started with the image's others, and the
 * stream's entry capability ({@link #entry()}, the one facet, payload 0) to hand to clients. This
 * is a stream made by hand, for benchmarks and images that want one ready at boot; Coyotos's way, a
 * constructor that builds streams on its callers' banks, is {@link StreamConstructor}.
 *
 * @param process the stream's process (start it with the image's other processes)
 * @param endpoint the stream's endpoint (its INITEPT)
 */
public record StreamServer(Kernel kernel, ObjectRef process, ObjectRef endpoint) {
  /** A Null stream over {@code runtime} (the runtime library segment) in {@code k}. */
  public static StreamServer nullStream(Kernel k, CodeSegment runtime) {
    return build(k, runtime, "null-stream", NullStreamProgram.class);
  }

  /** A Zero stream over {@code runtime} (the runtime library segment) in {@code k}. */
  public static StreamServer zeroStream(Kernel k, CodeSegment runtime) {
    return build(k, runtime, "zero-stream", ZeroStreamProgram.class);
  }

  /** Data pages a stream program needs: its string area and its receive buffer. */
  static final int DATA_PAGES = 2;

  private static StreamServer build(Kernel k, CodeSegment runtime, String name, Class<?> program) {
    ServiceProcess s = ServiceProcess.load(k, runtime, name, program, DATA_PAGES);
    return new StreamServer(k, s.process(), s.endpoint());
  }

  /** The stream's entry capability. */
  public CapRef entry() {
    return kernel.entry(endpoint, 0);
  }

  /**
   * Gives the stream {@code bank} as its SPACEBANK: the bank {@code destroy} asks to destroy itself
   * (without one, destroy is refused).
   */
  public StreamServer bank(CapRef bank) {
    kernel.setCapReg(process, CapReg.SPACEBANK, bank);
    return this;
  }
}
