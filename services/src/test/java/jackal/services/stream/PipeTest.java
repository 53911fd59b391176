package jackal.services.stream;

import static jackal.services.stream.StreamSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.services.boot.Pipe;
import jackal.services.idl.coyotos.IoStreamCodes;
import jackal.services.idl.coyotos.SleepClient;
import jackal.services.stream.programs.PipeReaderProgram;
import jackal.services.stream.programs.PipeWriterProgram;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The pipe: one server process between a writer and a reader. */
class PipeTest {
  static final int READ = CapReg.APP0;
  static final int WRITE = CapReg.APP0 + 1;
  static final int CHANNEL = CapReg.APP0 + 2;
  static final int FORGED = CapReg.APP0 + 3;
  static final long WOULD_BLOCK = IoStreamCodes.RC_RequestWouldBlock;
  static final long CLOSED = IoStreamCodes.RC_Closed;

  @FunctionalInterface
  interface Call {
    void run() throws KernelException;
  }

  static long code(Call call) {
    try {
      call.run();
      return 0;
    } catch (KernelException e) {
      return e.code();
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Boots a pipe and clients, each holding its read end in READ and its write end in WRITE. */
  static void withPipe(StreamSystem.Scenario... scenarios) throws Exception {
    try (StreamSystem s = new StreamSystem()) {
      Pipe pipe = Pipe.build(s.k, s.runtime);
      s.serve(pipe.process());
      for (int i = 0; i < scenarios.length; i++) {
        ObjectRef c = s.client("client" + i, scenarios[i]);
        s.k.setCapReg(c, READ, pipe.readEnd());
        s.k.setCapReg(c, WRITE, pipe.writeEnd());
        s.k.setCapReg(c, FORGED, pipe.facet(7));
      }
      s.boot();
    }
  }

  @Test
  void pipeCarriesOneMebibyteBetweenTwoLoadedProgramsIntactInOrderWithoutSpinning()
      throws Exception {
    try (StreamSystem s = new StreamSystem()) {
      Pipe pipe = Pipe.build(s.k, s.runtime);
      s.serve(pipe.process());
      ObjectRef writer = s.loaded("writer", PipeWriterProgram.class, PipeWriterProgram.DATA_PAGES);
      s.k.setCapReg(writer, PipeWriterProgram.PIPE, pipe.writeEnd());
      ObjectRef reader = s.loaded("reader", PipeReaderProgram.class, PipeReaderProgram.DATA_PAGES);
      s.k.setCapReg(reader, PipeReaderProgram.PIPE, pipe.readEnd());
      long start = System.nanoTime();
      s.boot();
      long nanos = System.nanoTime() - start;
      String log = s.console();
      Matcher w =
          Pattern.compile("pipe writer: sent (\\d+) bytes in (\\d+) writes, (\\d+) waited, (\\d+)")
              .matcher(log);
      Matcher r =
          Pattern.compile(
                  "pipe reader: received (\\d+) bytes in (\\d+) reads, (\\d+) waited,"
                      + " first bad byte (-?\\d+)")
              .matcher(log);
      assertThat(w.find()).as(log).isTrue();
      assertThat(r.find()).as(log).isTrue();
      int total = PipeWriterProgram.TOTAL;
      assertThat(Long.parseLong(w.group(1))).isEqualTo(total);
      assertThat(Long.parseLong(w.group(4))).as("writes that took nothing").isZero();
      assertThat(Long.parseLong(r.group(1))).isEqualTo(total);
      assertThat(Long.parseLong(r.group(4))).as("first byte out of place").isEqualTo(-1);
      // Neither side polls: every write takes some bytes and every read but the last returns
      // some, so the calls are bounded by the data (a write is split at most once by the ring's
      // wrap; a read takes what one or two writes left).
      long writes = Long.parseLong(w.group(2));
      long reads = Long.parseLong(r.group(2));
      int buffers = total / IoStreams.BUF_LIMIT;
      assertThat(writes).isBetween((long) buffers, 2L * buffers + 1);
      assertThat(reads).isLessThanOrEqualTo(2 * writes + 1);
      System.out.printf(
          "pipe: %d bytes in %.1f ms (boot included), %d writes (%s waited), %d reads (%s waited)%n",
          total, nanos / 1e6, writes, w.group(3), reads, r.group(3));
    }
  }

  @Test
  void readerWaitingOnAnEmptyPipeWakesWhenBytesAreWritten() throws Exception {
    AtomicBoolean reading = new AtomicBoolean();
    withPipe(
        c -> {
          reading.set(true);
          assertThat(c.streams.read(reg(READ), 100)).containsExactly(ascii("hello"));
          assertThat(c.streams.waits()).as("the read waited in the channel").isEqualTo(1);
        },
        c -> {
          while (!reading.get()) {
            c.ipc.yieldCpu();
          }
          // Time for the reader's request to reach the pipe and wait there.
          new SleepClient(new Ipc(c.sys)).sleepFor(reg(StreamSystem.SLEEP), 0, 100_000);
          assertThat(c.streams.write(reg(WRITE), ascii("hello"))).isEqualTo(5);
        });
  }

  @Test
  void writerWaitingOnAFullPipeWakesWhenBytesAreRead() throws Exception {
    AtomicBoolean full = new AtomicBoolean();
    withPipe(
        c -> {
          assertThat(c.streams.write(reg(WRITE), new byte[4096])).isEqualTo(4096);
          assertThat(code(() -> c.stream.doWrite(reg(WRITE), new byte[1]))).isEqualTo(WOULD_BLOCK);
          full.set(true);
          assertThat(c.streams.write(reg(WRITE), ascii("tail"))).isEqualTo(4);
          assertThat(c.streams.waits()).isEqualTo(1);
          c.stream.close(reg(WRITE));
        },
        c -> {
          while (!full.get()) {
            c.ipc.yieldCpu();
          }
          new SleepClient(new Ipc(c.sys)).sleepFor(reg(StreamSystem.SLEEP), 0, 100_000);
          assertThat(c.streams.read(reg(READ), 4096)).hasSize(4096);
          assertThat(c.streams.read(reg(READ), 4096)).containsExactly(ascii("tail"));
          assertThat(c.streams.read(reg(READ), 4096)).as("the end of the stream").isEmpty();
        });
  }

  @Test
  void emptyPipeAnswersRequestWouldBlockAtTheEndAndClosedWriteEndIsTheEndOfTheStream()
      throws Exception {
    withPipe(
        c -> {
          assertThat(code(() -> c.stream.doRead(reg(READ), 1))).isEqualTo(WOULD_BLOCK);
          c.streams.write(reg(WRITE), ascii("ab"));
          c.stream.close(reg(WRITE));
          assertThat(c.streams.read(reg(READ), 1)).containsExactly(ascii("a"));
          assertThat(c.streams.read(reg(READ), 10)).containsExactly(ascii("b"));
          assertThat(c.streams.read(reg(READ), 10)).isEmpty();
          assertThat(c.streams.read(reg(READ), 10)).isEmpty();
          assertThat(code(() -> c.stream.doWrite(reg(WRITE), new byte[1]))).isEqualTo(CLOSED);
          assertThat(code(() -> c.stream.close(reg(WRITE)))).isEqualTo(CLOSED);
        });
  }

  @Test
  void closingTheReadEndAnswersAWaitingWriterClosed() throws Exception {
    AtomicBoolean waiting = new AtomicBoolean();
    withPipe(
        c -> {
          c.streams.write(reg(WRITE), new byte[4096]);
          waiting.set(true);
          assertThat(code(() -> c.streams.write(reg(WRITE), new byte[1]))).isEqualTo(CLOSED);
        },
        c -> {
          while (!waiting.get()) {
            c.ipc.yieldCpu();
          }
          new SleepClient(new Ipc(c.sys)).sleepFor(reg(StreamSystem.SLEEP), 0, 100_000);
          c.stream.close(reg(READ));
          assertThat(code(() -> c.stream.doRead(reg(READ), 1))).isEqualTo(CLOSED);
        });
  }

  @Test
  void closingTheWriteEndAnswersAWaitingReaderWithTheEndOfTheStream() throws Exception {
    AtomicBoolean waiting = new AtomicBoolean();
    withPipe(
        c -> {
          waiting.set(true);
          assertThat(c.streams.read(reg(READ), 10)).isEmpty();
        },
        c -> {
          while (!waiting.get()) {
            c.ipc.yieldCpu();
          }
          new SleepClient(new Ipc(c.sys)).sleepFor(reg(StreamSystem.SLEEP), 0, 100_000);
          c.stream.close(reg(WRITE));
        });
  }

  @Test
  void readEndUsedToWriteAndWriteEndUsedToReadAreRefused() throws Exception {
    withPipe(
        c -> {
          assertThat(code(() -> c.stream.doWrite(reg(READ), ascii("x"))))
              .isEqualTo(Codes.RC_NO_ACCESS);
          assertThat(code(() -> c.stream.getWriteChannel(reg(READ), reg(CHANNEL))))
              .isEqualTo(Codes.RC_NO_ACCESS);
          assertThat(code(() -> c.stream.doRead(reg(WRITE), 1))).isEqualTo(Codes.RC_NO_ACCESS);
          assertThat(code(() -> c.stream.getReadChannel(reg(WRITE), reg(CHANNEL))))
              .isEqualTo(Codes.RC_NO_ACCESS);
          // The channels are no wider than the ends they came from.
          c.stream.getReadChannel(reg(READ), reg(CHANNEL));
          assertThat(code(() -> c.stream.doWrite(reg(CHANNEL), ascii("x"))))
              .isEqualTo(Codes.RC_NO_ACCESS);
          c.stream.getWriteChannel(reg(WRITE), reg(CHANNEL));
          assertThat(code(() -> c.stream.doRead(reg(CHANNEL), 1))).isEqualTo(Codes.RC_NO_ACCESS);
          // Nothing was written by the refused calls; the pipe still serves.
          assertThat(code(() -> c.stream.doRead(reg(READ), 1))).isEqualTo(WOULD_BLOCK);
          c.streams.write(reg(WRITE), ascii("ok"));
          assertThat(c.streams.read(reg(READ), 10)).containsExactly(ascii("ok"));
        });
  }

  @Test
  void aFacetThePipeNeverHandedOutIsUnknownRequest() throws Exception {
    withPipe(
        c -> {
          assertThat(code(() -> c.stream.doRead(reg(FORGED), 1)))
              .isEqualTo(Codes.RC_UNKNOWN_REQUEST);
          assertThat(code(() -> c.stream.getType(reg(FORGED)))).isEqualTo(Codes.RC_UNKNOWN_REQUEST);
          assertThat(c.stream.getType(reg(READ))).isEqualTo(IoStreamCodes.IKT);
        });
  }

  @Test
  void lengthsOverTheLimitAndForgedHeadersAreRequestErrorAndThePipeKeepsServing() throws Exception {
    withPipe(
        c -> {
          assertThat(code(() -> c.stream.doRead(reg(READ), 4097)))
              .isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(code(() -> c.stream.doRead(reg(READ), -1))).isEqualTo(Codes.RC_REQUEST_ERROR);
          Ipc ipc = c.ipc;
          ipc.w[1] = IoStreamCodes.OC_doWrite & 0xFFFF_FFFFL;
          ipc.w[2] = 4096;
          ipc.w[3] = 4097; // more than the sequence may hold
          ipc.w[4] = 0;
          ipc.string(0, 4096);
          assertThat(ipc.call(reg(WRITE), 4, 0, -1)).isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          ipc.w[1] = IoStreamCodes.OC_doWrite & 0xFFFF_FFFFL;
          ipc.w[2] = 4096;
          ipc.w[3] = 2; // fewer than the string carries
          ipc.w[4] = 0;
          ipc.string(0, 9);
          assertThat(ipc.call(reg(WRITE), 4, 0, -1)).isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(code(() -> c.stream.doRead(reg(READ), 1)))
              .as("nothing got in")
              .isEqualTo(WOULD_BLOCK);
          c.streams.write(reg(WRITE), ascii("fine"));
          assertThat(c.streams.read(reg(READ), 10)).containsExactly(ascii("fine"));
        });
  }

  @Test
  void aSecondCallerWaitingInTheSameChannelIsAnsweredRequestWouldBlock() throws Exception {
    AtomicBoolean firstWaits = new AtomicBoolean();
    withPipe(
        c -> {
          firstWaits.set(true);
          assertThat(c.streams.read(reg(READ), 10)).containsExactly(ascii("x"));
        },
        c -> {
          while (!firstWaits.get()) {
            c.ipc.yieldCpu();
          }
          new SleepClient(new Ipc(c.sys)).sleepFor(reg(StreamSystem.SLEEP), 0, 100_000);
          c.stream.getReadChannel(reg(READ), reg(CHANNEL));
          assertThat(code(() -> c.stream.doRead(reg(CHANNEL), 10))).isEqualTo(WOULD_BLOCK);
          c.streams.write(reg(WRITE), ascii("x"));
        });
  }

  @Test
  void aWaitingReaderThatNeverTakesItsAnswerDoesNotStallThePipe() throws Exception {
    AtomicBoolean gone = new AtomicBoolean();
    withPipe(
        c -> {
          // doRead through the read channel with a reply capability but no receive phase, then
          // the program ends: the pipe keeps the reply capability, and its late answer finds
          // nobody.
          c.stream.getReadChannel(reg(READ), reg(CHANNEL));
          Ipc ipc = c.ipc;
          ipc.w[1] = IoStreamCodes.OC_doRead & 0xFFFF_FFFFL;
          ipc.w[2] = 4096;
          ipc.w[ParameterBlock.ICW] =
              Syscall.INVOKE_CAP | Icw.makeLdw(2) | Icw.SP | Icw.RC | Icw.SC | Icw.makeLsc(0);
          ipc.w[ParameterBlock.INVCAP] = reg(CHANNEL);
          ipc.w[ParameterBlock.SNDCAP] = reg(CapReg.REPLYEPT);
          ipc.w[ParameterBlock.SNDLEN] = 0;
          c.sys.trap(ipc.pb);
          gone.set(true);
        },
        c -> {
          while (!gone.get()) {
            c.ipc.yieldCpu();
          }
          new SleepClient(new Ipc(c.sys)).sleepFor(reg(StreamSystem.SLEEP), 0, 100_000);
          // The first bytes go to the vanished reader (what it asked for); the pipe serves on.
          assertThat(c.streams.write(reg(WRITE), ascii("lost"))).isEqualTo(4);
          assertThat(c.streams.write(reg(WRITE), ascii("kept"))).isEqualTo(4);
          assertThat(c.streams.read(reg(READ), 10)).containsExactly(ascii("kept"));
        });
  }

  @Test
  void closingAnEndAnswersClosedToACallerWaitingOnThatEnd() throws Exception {
    AtomicBoolean waiting = new AtomicBoolean();
    withPipe(
        c -> {
          waiting.set(true);
          assertThat(code(() -> c.streams.read(reg(READ), 10))).isEqualTo(CLOSED);
        },
        c -> {
          while (!waiting.get()) {
            c.ipc.yieldCpu();
          }
          new SleepClient(new Ipc(c.sys)).sleepFor(reg(StreamSystem.SLEEP), 0, 100_000);
          c.stream.close(reg(READ));
        });
  }

  @Test
  void writeFullyCarriesMoreThanOneBufferThroughThePipe() throws Exception {
    byte[] data = new byte[10_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    withPipe(
        c -> {
          assertThat(c.streams.writeFully(reg(WRITE), data)).isEqualTo(data.length);
          c.stream.close(reg(WRITE));
        },
        c -> {
          byte[] got = new byte[data.length];
          int n = 0;
          for (byte[] b; (b = c.streams.read(reg(READ), 4096)).length > 0; n += b.length) {
            System.arraycopy(b, 0, got, n, b.length);
          }
          assertThat(n).isEqualTo(data.length);
          assertThat(got).isEqualTo(data);
        });
  }
}
