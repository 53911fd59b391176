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
import jackal.services.boot.StreamServer;
import jackal.services.idl.coyotos.IoStreamCodes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The Null and Zero streams, loaded from pages and booted directly (Coyotos's test programs). */
class BlankStreamTest {
  static final int STREAM = CapReg.APP0;
  static final int CHANNEL = CapReg.APP0 + 1;
  static final long CLOSED = IoStreamCodes.RC_Closed;

  @FunctionalInterface
  interface Call {
    void run() throws KernelException;
  }

  /** The exception code {@code call} raised, or 0 if it succeeded. */
  static long code(Call call) {
    try {
      call.run();
      return 0;
    } catch (KernelException e) {
      return e.code();
    }
  }

  /** Boots a Null (or Zero) stream and clients, each holding the stream in {@link #STREAM}. */
  static void withStream(boolean zero, StreamSystem.Scenario... scenarios) throws Exception {
    try (StreamSystem s = new StreamSystem()) {
      StreamServer server =
          zero ? StreamServer.zeroStream(s.k, s.runtime) : StreamServer.nullStream(s.k, s.runtime);
      server.bank(s.prime.entry());
      s.serve(server.process());
      for (int i = 0; i < scenarios.length; i++) {
        ObjectRef c = s.client("client" + i, scenarios[i]);
        s.k.setCapReg(c, STREAM, server.entry());
      }
      s.boot();
    }
  }

  @Test
  void nullStreamPassesCoyotosNullStreamTest() throws Exception {
    withStream(
        false,
        c -> {
          long stream = reg(STREAM);
          assertThat(c.stream.getType(stream)).isEqualTo(IoStreamCodes.IKT);
          assertThat(c.streams.read(stream, 4096)).isEmpty();
          assertThat(code(() -> c.streams.read(stream, 4097))).isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(c.streams.write(stream, new byte[4096])).isEqualTo(4096);
        });
  }

  @Test
  void zeroStreamPassesCoyotosZeroStreamTest() throws Exception {
    withStream(
        true,
        c -> {
          long stream = reg(STREAM);
          assertThat(c.stream.getType(stream)).isEqualTo(IoStreamCodes.IKT);
          byte[] ones = new byte[4096];
          Arrays.fill(ones, (byte) 0xFF);
          c.sys.write(0, ones, 0, ones.length); // the string area: the zeros must come from Zero
          assertThat(c.streams.read(stream, 4096)).hasSize(4096).containsOnly(0);
          assertThat(code(() -> c.streams.read(stream, 4097))).isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(c.streams.write(stream, ones)).isEqualTo(4096);
        });
  }

  @Test
  void zeroStreamReadGivesAsManyZerosAsAsked() throws Exception {
    withStream(
        true,
        c -> {
          assertThat(c.streams.read(reg(STREAM), 17)).hasSize(17).containsOnly(0);
          assertThat(c.streams.read(reg(STREAM), 0)).isEmpty();
        });
  }

  @Test
  void readLengthAboveTheLimitIsRequestErrorEvenWhenItLooksNegative() throws Exception {
    withStream(
        true,
        c -> {
          assertThat(code(() -> c.stream.doRead(reg(STREAM), -1)))
              .isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(code(() -> c.stream.doRead(reg(STREAM), Integer.MIN_VALUE)))
              .isEqualTo(Codes.RC_REQUEST_ERROR);
        });
  }

  @Test
  void afterCloseEveryReadWriteAndCloseRaisesClosed() throws Exception {
    for (boolean zero : new boolean[] {false, true}) {
      withStream(
          zero,
          c -> {
            long stream = reg(STREAM);
            c.stream.close(stream);
            assertThat(code(() -> c.stream.doRead(stream, 1))).isEqualTo(CLOSED);
            assertThat(code(() -> c.stream.doWrite(stream, new byte[1]))).isEqualTo(CLOSED);
            assertThat(code(() -> c.stream.close(stream))).isEqualTo(CLOSED);
            assertThat(c.stream.getType(stream)).isEqualTo(IoStreamCodes.IKT);
          });
    }
  }

  @Test
  void bothChannelsAreTheStreamItself() throws Exception {
    withStream(
        false,
        c -> {
          long stream = reg(STREAM);
          c.stream.getReadChannel(stream, reg(CHANNEL));
          assertThat(c.stream.doWrite(reg(CHANNEL), new byte[3])).isEqualTo(3);
          c.stream.getWriteChannel(stream, reg(CHANNEL));
          c.stream.close(reg(CHANNEL));
          assertThat(code(() -> c.stream.doRead(stream, 1))).isEqualTo(CLOSED);
        });
  }

  @Test
  void destroyIsTheBanksToAnswerAndThePrimeBankRefusesIt() throws Exception {
    withStream(
        false,
        c -> {
          // The booted stream holds the prime bank, which nobody may destroy; the refusal comes
          // back to the caller and the stream goes on serving.
          assertThat(code(() -> c.stream.destroy(reg(STREAM)))).isEqualTo(Codes.RC_NO_ACCESS);
          assertThat(c.streams.write(reg(STREAM), new byte[5])).isEqualTo(5);
        });
  }

  @Test
  void forgedSequenceLengthIsRequestErrorAndTheStreamKeepsServing() throws Exception {
    withStream(
        false,
        c -> {
          Ipc ipc = c.ipc;
          c.sys.write(0, new byte[8], 0, 8);
          // doWrite whose header claims 4000 bytes while the string carries 8.
          ipc.w[1] = IoStreamCodes.OC_doWrite & 0xFFFF_FFFFL;
          ipc.w[2] = 4096;
          ipc.w[3] = 4000;
          ipc.w[4] = 0;
          ipc.string(0, 8);
          assertThat(ipc.call(reg(STREAM), 4, 0, -1)).isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          // A header claiming more than the 4096 the sequence may hold.
          ipc.w[1] = IoStreamCodes.OC_doWrite & 0xFFFF_FFFFL;
          ipc.w[2] = 8192;
          ipc.w[3] = 4097;
          ipc.w[4] = 0;
          ipc.string(0, 4096);
          assertThat(ipc.call(reg(STREAM), 4, 0, -1)).isFalse();
          assertThat(ipc.exceptionCode()).isEqualTo(Codes.RC_REQUEST_ERROR);
          assertThat(c.streams.write(reg(STREAM), new byte[8])).isEqualTo(8);
        });
  }

  @Test
  void aCallerThatNeverTakesItsReplyDoesNotStallTheStream() throws Exception {
    withStream(
        true,
        c -> {
          // doRead with a reply capability, but no receive phase: the answer finds nobody.
          Ipc ipc = c.ipc;
          for (int i = 0; i < 3; i++) {
            ipc.w[1] = IoStreamCodes.OC_doRead & 0xFFFF_FFFFL;
            ipc.w[2] = 4096;
            ipc.w[ParameterBlock.ICW] =
                Syscall.INVOKE_CAP | Icw.makeLdw(2) | Icw.SP | Icw.RC | Icw.SC | Icw.makeLsc(0);
            ipc.w[ParameterBlock.INVCAP] = reg(STREAM);
            ipc.w[ParameterBlock.SNDCAP] = reg(CapReg.REPLYEPT);
            ipc.w[ParameterBlock.SNDLEN] = 0;
            c.sys.trap(ipc.pb);
          }
          assertThat(c.streams.read(reg(STREAM), 3)).hasSize(3);
        },
        c -> assertThat(c.streams.read(reg(STREAM), 4)).hasSize(4));
  }
}
