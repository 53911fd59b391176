package jackal.services.boot;

import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.services.stream.PipeProgram;

/**
 * Builds a pipe into an image: its server process, started with the image's others, and its two
 * ends, {@link #readEnd()} and {@link #writeEnd()}, to hand to the reader and the writer.
 *
 * @param process the pipe's process (start it with the image's other processes)
 * @param endpoint the pipe's endpoint (its INITEPT); each end is a facet of it
 */
public record Pipe(Kernel kernel, ObjectRef process, ObjectRef endpoint) {
  /** Facets of the pipe's endpoint (the pipe program's payloads). */
  private static final int READ_END = 0;

  private static final int WRITE_END = 1;
  private static final int DATA_PAGES = 3;

  /** A pipe over {@code runtime} (the runtime library segment) in {@code k}. */
  public static Pipe build(Kernel k, CodeSegment runtime) {
    ServiceProcess s = ServiceProcess.load(k, runtime, "pipe", PipeProgram.class, DATA_PAGES);
    return new Pipe(k, s.process(), s.endpoint());
  }

  /** The read end: doRead, getReadChannel, close. */
  public CapRef readEnd() {
    return kernel.entry(endpoint, READ_END);
  }

  /** The write end: doWrite, getWriteChannel, close. */
  public CapRef writeEnd() {
    return kernel.entry(endpoint, WRITE_END);
  }

  /** A capability to the pipe's endpoint with any payload: for tests of forged facets. */
  public CapRef facet(int payload) {
    return kernel.entry(endpoint, payload);
  }

  /**
   * Gives the server {@code bank} as its SPACEBANK: the bank {@code destroy} asks to destroy itself
   * (without one, destroy is refused).
   */
  public Pipe bank(CapRef bank) {
    kernel.setCapReg(process, CapReg.SPACEBANK, bank);
    return this;
  }
}
