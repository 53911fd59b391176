package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.idltest.sample.SampleCodes;
import jackal.runtime.idltest.sample.SampleSkeleton;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The generated skeleton's request checks, driven directly with hand-made parameter blocks (no
 * kernel): the shapes a real client cannot send through {@link Ipc#call} (no SC, EX set) are
 * refused as the kernel's {@code requireArgs} refuses them.
 */
class GeneratedSkeletonShapeTest {
  /** A process space of one page and no kernel: the skeleton only reads and writes memory. */
  private static final class Memory implements SystemCalls {
    final byte[] page = new byte[4096];

    @Override
    public void trap(ParameterBlock pb) {
      throw new UnsupportedOperationException("no kernel here");
    }

    @Override
    public byte loadByte(long addr) {
      return page[(int) addr];
    }

    @Override
    public void storeByte(long addr, byte value) {
      page[(int) addr] = value;
    }

    @Override
    public int loadInt(long addr) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void storeInt(long addr, int value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long loadLong(long addr) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void storeLong(long addr, long value) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void read(long addr, byte[] dst, int off, int len) {
      System.arraycopy(page, (int) addr, dst, off, len);
    }

    @Override
    public void write(long addr, byte[] src, int off, int len) {
      System.arraycopy(src, off, page, (int) addr, len);
    }
  }

  private final Memory memory = new Memory();
  private final Ipc ipc = new Ipc(memory);
  private final ServerLoop.Reply reply = new ServerLoop.Reply();
  private final SampleSkeleton skeleton =
      new SampleSkeleton(new SampleService(null)).stringArea(0xC00, 256);

  /** A request as the kernel delivers it: control word, opcode, words. */
  private void request(long icw, int opcode, long... words) {
    ipc.w[ParameterBlock.ICW] = icw;
    ipc.w[1] = opcode & 0xFFFF_FFFFL;
    System.arraycopy(words, 0, ipc.w, 2, words.length);
    ipc.w[ParameterBlock.SNDLEN] = 0;
  }

  private long refusal() {
    try {
      skeleton.serve(ipc, reply);
    } catch (KernelException e) {
      return e.code();
    }
    return 0;
  }

  @Test
  void aWellFormedRequestIsServed() throws KernelException {
    request(Icw.makeLdw(2) | Icw.SC, SampleCodes.OC_flip, 1);
    skeleton.serve(ipc, reply);
    assertThat(reply.ldw).isEqualTo(1);
    assertThat(reply.lastCap).isEqualTo(-1);
    assertThat(ipc.w[1]).isZero();
  }

  @Test
  void requestsWithoutScWithExOrWithTheWrongWordsOrCapabilitiesAreRequestErrors() {
    request(Icw.makeLdw(2), SampleCodes.OC_flip, 1);
    assertThat(refusal()).as("no SC").isEqualTo(Codes.RC_REQUEST_ERROR);
    request(Icw.makeLdw(2) | Icw.SC | Icw.EX, SampleCodes.OC_flip, 1);
    assertThat(refusal()).as("EX").isEqualTo(Codes.RC_REQUEST_ERROR);
    request(Icw.makeLdw(1) | Icw.SC, SampleCodes.OC_flip);
    assertThat(refusal()).as("ldw 1").isEqualTo(Codes.RC_REQUEST_ERROR);
    request(Icw.makeLdw(2) | Icw.SC | Icw.makeLsc(1), SampleCodes.OC_flip, 1);
    assertThat(refusal()).as("lsc 1").isEqualTo(Codes.RC_REQUEST_ERROR);
    request(Icw.makeLdw(1) | Icw.SC | Icw.makeLsc(1), SampleCodes.OC_swap);
    assertThat(refusal()).as("swap with one capability").isEqualTo(Codes.RC_REQUEST_ERROR);
    request(Icw.makeLdw(1) | Icw.SC, 0x0BADC0DE);
    assertThat(refusal()).as("unknown opcode").isEqualTo(Codes.RC_UNKNOWN_REQUEST);
  }

  @Test
  void stringsMustMatchTheirHeaderFitTheirBoundAndHaveArrivedWhole() throws KernelException {
    byte[] text = "hello".getBytes(StandardCharsets.US_ASCII);
    memory.write(0x800, text, 0, text.length);
    ipc.stringBuffer(0x800, SampleSkeleton.REQUEST_STRING_BYTES);

    request(Icw.makeLdw(4) | Icw.SC, SampleCodes.OC_upper, 64, 5, 0x123);
    ipc.w[ParameterBlock.SNDLEN] = 5;
    skeleton.serve(ipc, reply);
    assertThat(reply.ldw).isEqualTo(3);
    assertThat(ipc.w[1]).as("reply capacity word").isEqualTo(64);
    assertThat(ipc.w[2]).as("reply length word").isEqualTo(5);
    assertThat(ipc.w[3]).as("reply address word").isEqualTo(0xC00);
    assertThat(ipc.w[ParameterBlock.SNDPTR]).isEqualTo(0xC00);
    assertThat(ipc.w[ParameterBlock.SNDLEN]).isEqualTo(5);
    assertThat(new String(memory.page, 0xC00, 5, StandardCharsets.US_ASCII)).isEqualTo("HELLO");

    request(Icw.makeLdw(4) | Icw.SC, SampleCodes.OC_upper, 64, 4, 0);
    ipc.w[ParameterBlock.SNDLEN] = 5;
    assertThat(refusal()).as("header shorter than the string").isEqualTo(Codes.RC_REQUEST_ERROR);
    assertThat(ipc.w[ParameterBlock.SNDLEN]).as("the refused string is not sent back").isZero();

    request(Icw.makeLdw(4) | Icw.SC, SampleCodes.OC_upper, 64, 65, 0);
    ipc.w[ParameterBlock.SNDLEN] = 65;
    assertThat(refusal()).as("one past the bound").isEqualTo(Codes.RC_REQUEST_ERROR);

    ipc.stringBuffer(0x800, 4);
    request(Icw.makeLdw(4) | Icw.SC, SampleCodes.OC_upper, 64, 5, 0);
    ipc.w[ParameterBlock.SNDLEN] = 5;
    assertThat(refusal()).as("cut short by the receive bound").isEqualTo(Codes.RC_REQUEST_ERROR);

    request(Icw.makeLdw(2) | Icw.SC, SampleCodes.OC_flip, 1);
    ipc.w[ParameterBlock.SNDLEN] = 1;
    assertThat(refusal()).as("a string for a method without one").isEqualTo(Codes.RC_REQUEST_ERROR);
  }

  @Test
  void anExceptionWithFieldsIsAnsweredWithItsWords() throws KernelException {
    request(Icw.makeLdw(2) | Icw.SC, SampleCodes.OC_fail, 2);
    skeleton.serve(ipc, reply);
    assertThat(reply.exception).isTrue();
    assertThat(reply.ldw).isEqualTo(3);
    assertThat(ipc.w[1]).isEqualTo(SampleCodes.RC_BadValue);
    assertThat(ipc.w[2]).isEqualTo(-7);
    assertThat(ipc.w[3]).isEqualTo(0xFFFF_FFFF_FFFF_FFF0L);
  }
}
