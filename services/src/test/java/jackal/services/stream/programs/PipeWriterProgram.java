package jackal.services.stream.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.IoStreamClient;
import jackal.services.idl.coyotos.KernLogClient;
import jackal.services.stream.IoStreams;
import java.nio.charset.StandardCharsets;

/**
 * A loaded program that writes {@link #TOTAL} bytes of {@link #pattern} to the pipe end in {@link
 * #PIPE} through the IoStream library, closes it, and logs what it did.
 */
public final class PipeWriterProgram implements ProgramEntry {
  public static final int PIPE = CapReg.APP0;
  public static final int LOG = CapReg.APP0 + 1;
  public static final int CHANNEL = CapReg.APP0 + 2;
  public static final int TOTAL = 1 << 20;

  /** Data pages: the stream client's string area, then the log's. */
  public static final int DATA_PAGES = 2;

  public PipeWriterProgram() {}

  /** Byte {@code i} of the stream: changes with the position, so a lost or swapped byte shows. */
  public static byte pattern(int i) {
    return (byte) (i * 31 + (i >>> 12));
  }

  @Override
  public void run(SystemCalls sys) throws KernelException {
    IoStreams streams =
        new IoStreams(new IoStreamClient(new Ipc(sys)).stringArea(0, 4096), CHANNEL);
    int sent = 0;
    long writes = 0;
    long nothingTaken = 0;
    byte[] chunk = new byte[IoStreams.BUF_LIMIT];
    while (sent < TOTAL) {
      for (int j = 0; j < chunk.length; j++) {
        chunk[j] = pattern(sent + j);
      }
      int n = streams.write(CapReg.loc(PIPE), chunk);
      writes++;
      if (n <= 0) {
        nothingTaken++;
        break;
      }
      sent += n;
    }
    streams.client().close(CapReg.loc(PIPE));
    log(
        sys,
        "pipe writer: sent "
            + sent
            + " bytes in "
            + writes
            + " writes, "
            + streams.waits()
            + " waited, "
            + nothingTaken
            + " took nothing");
  }

  static void log(SystemCalls sys, String line) throws KernelException {
    new KernLogClient(new Ipc(sys))
        .stringArea(4096, 256)
        .log(CapReg.loc(LOG), line.getBytes(StandardCharsets.US_ASCII));
  }
}
