package jackal.services.stream.programs;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.idl.coyotos.IoStreamClient;
import jackal.services.stream.IoStreams;

/**
 * A loaded program that reads the pipe end in {@link #PIPE} through the IoStream library to its
 * end, checks every byte against {@link PipeWriterProgram#pattern} at its position, and logs what
 * it found.
 */
public final class PipeReaderProgram implements ProgramEntry {
  public static final int PIPE = PipeWriterProgram.PIPE;
  public static final int LOG = PipeWriterProgram.LOG;
  public static final int CHANNEL = PipeWriterProgram.CHANNEL;
  public static final int DATA_PAGES = PipeWriterProgram.DATA_PAGES;

  public PipeReaderProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    IoStreams streams =
        new IoStreams(new IoStreamClient(new Ipc(sys)).stringArea(0, 4096), CHANNEL);
    int received = 0;
    long reads = 0;
    long firstBad = -1;
    for (; ; ) {
      byte[] b = streams.read(CapReg.loc(PIPE), IoStreams.BUF_LIMIT);
      reads++;
      if (b.length == 0) {
        break; // the end of the stream: nothing comes back empty before it
      }
      for (int j = 0; j < b.length; j++) {
        if (firstBad < 0 && b[j] != PipeWriterProgram.pattern(received + j)) {
          firstBad = received + j;
        }
      }
      received += b.length;
    }
    PipeWriterProgram.log(
        sys,
        "pipe reader: received "
            + received
            + " bytes in "
            + reads
            + " reads, "
            + streams.waits()
            + " waited, first bad byte "
            + firstBad);
  }
}
