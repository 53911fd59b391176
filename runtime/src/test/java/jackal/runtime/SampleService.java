package jackal.runtime;

import jackal.runtime.idl.coyotos.CapNoAccessException;
import jackal.runtime.idltest.sample.RefusedException;
import jackal.runtime.idltest.sample.SampleBadValueException;
import jackal.runtime.idltest.sample.SampleBigResult;
import jackal.runtime.idltest.sample.SampleBox;
import jackal.runtime.idltest.sample.SampleBusyException;
import jackal.runtime.idltest.sample.SampleCodes;
import jackal.runtime.idltest.sample.SampleHolder;
import jackal.runtime.idltest.sample.SampleLastNoteResult;
import jackal.runtime.idltest.sample.SampleNextResult;
import jackal.runtime.idltest.sample.SampleNineResult;
import jackal.runtime.idltest.sample.SamplePoint;
import jackal.runtime.idltest.sample.SampleReading;
import jackal.runtime.idltest.sample.SampleSeqPlusSixResult;
import jackal.runtime.idltest.sample.SampleServer;
import jackal.runtime.idltest.sample.SampleSmallResult;
import jackal.runtime.idltest.sample.SampleStatsResult;
import jackal.runtime.idltest.sample.SampleSumResult;
import jackal.runtime.idltest.sample.SampleSwapResult;
import jackal.runtime.idltest.sample.SubSampleServer;
import java.nio.charset.StandardCharsets;

/**
 * The test implementation of {@code sample.Sample} (Sample.idl): each method answers something the
 * client can check against its arguments.
 */
class SampleService implements SampleServer {
  /** Where {@link #note} keeps the capability it was sent. */
  static final int NOTE_REG = CapReg.APP0 + 2;

  /** The process's own messaging, for CopyCap (not the server loop's block). */
  private final Ipc own;

  private int served;
  private long total;
  private int lastNote;

  SampleService(Ipc own) {
    this.own = own;
  }

  @Override
  public void destroy() {}

  @Override
  public SampleSmallResult small(int b, int ub, int s, int us, int l, int ul) {
    served++;
    long sum = (long) b + ub + s + us + l + Integer.toUnsignedLong(ul);
    return new SampleSmallResult(b, ub, s, us, l, ul, sum);
  }

  @Override
  public SampleBigResult big(long a, long b) {
    served++;
    return new SampleBigResult(-a, a + b);
  }

  @Override
  public boolean flip(boolean v) {
    served++;
    return !v;
  }

  @Override
  public double scale(float f, double d) {
    served++;
    return f * d;
  }

  @Override
  public SampleNextResult next(int c, int p, long w) {
    served++;
    int n =
        c == SampleCodes.color.red
            ? SampleCodes.color.green
            : c == SampleCodes.color.green ? SampleCodes.color.blue : SampleCodes.color.red;
    long w2 =
        w == SampleCodes.wide.minusOne ? SampleCodes.wide.beyond32 : SampleCodes.wide.minusOne;
    return new SampleNextResult(p | SampleCodes.perms.exec, w2, n);
  }

  @Override
  public int chars(int c, int w16, int w32) {
    served++;
    return c + w16 + w32;
  }

  @Override
  public SamplePoint mirror(SamplePoint p) {
    served++;
    return new SamplePoint(p.y(), p.x());
  }

  @Override
  public SampleBox grow(SampleBox b, int by) {
    served++;
    return new SampleBox(
        new SamplePoint(b.corner().x() - by, b.corner().y() - by),
        new int[] {b.size()[0] + 2 * by, b.size()[1] + 2 * by},
        !b.filled());
  }

  @Override
  public SampleSumResult sum(long[] values) {
    served++;
    long s = 0;
    for (long v : values) {
      s += v;
    }
    total += s;
    return new SampleSumResult(values.length, s);
  }

  @Override
  public SampleNineResult nine(
      long a1, long a2, long a3, long a4, long a5, long a6, int c, int d, double e) {
    served++;
    return new SampleNineResult(-a1, -a2, -a3, -a4, -a5, -a6, e * 2, d >>> 16, c * 3);
  }

  @Override
  public SampleSeqPlusSixResult seqPlusSix(
      long[] values, long x1, long x2, long x3, long x4, long x5, long x6) {
    served++;
    long s = x1 + x2 + x3 + x4 + x5 + x6;
    for (long v : values) {
      s += v;
    }
    return new SampleSeqPlusSixResult(
        x1 + x2, x2 + x3, x3 + x4, x4 + x5, x5 + x6, reverse(values), s);
  }

  @Override
  public long[] reverse(long[] values) {
    served++;
    long[] r = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      r[i] = values[values.length - 1 - i];
    }
    return r;
  }

  @Override
  public String greet(String name) {
    served++;
    return "Hello, " + name + "!";
  }

  @Override
  public byte[] upper(byte[] t) {
    served++;
    return new String(t, StandardCharsets.ISO_8859_1)
        .toUpperCase(java.util.Locale.ROOT)
        .getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public SampleReading[] bump(SampleReading[] r) {
    served++;
    SampleReading[] out = new SampleReading[r.length];
    for (int i = 0; i < r.length; i++) {
      SampleReading x = r[i];
      out[i] = new SampleReading(x.b() + 1, x.s() + 1, x.v() + 1, x.d() * 2);
    }
    return out;
  }

  @Override
  public short[] negate(short[] s) {
    served++;
    short[] out = new short[s.length];
    for (int i = 0; i < s.length; i++) {
      out[i] = (short) -s[i];
    }
    return out;
  }

  @Override
  public boolean[] invert(boolean[] b) {
    served++;
    boolean[] out = new boolean[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = !b[i];
    }
    return out;
  }

  @Override
  public SampleSwapResult swap(long a, long b) {
    served++;
    return new SampleSwapResult(b, a); // out first = b (slot 0), result = a (slot 1)
  }

  @Override
  public SampleHolder keep(SampleHolder h) {
    served++;
    return new SampleHolder(h.c(), h.tag() + 1);
  }

  @Override
  public SampleStatsResult stats() {
    return new SampleStatsResult(served, total, served == 0);
  }

  @Override
  public void note(int value, long c) {
    served++;
    lastNote = value;
    own.copyCap(c, CapReg.loc(NOTE_REG)); // ARG0 is overwritten by the next request
  }

  @Override
  public SampleLastNoteResult lastNote() {
    served++;
    return new SampleLastNoteResult(CapReg.loc(NOTE_REG), lastNote);
  }

  @Override
  public void fail(int which) throws KernelException {
    served++;
    switch (which) {
      case 0 -> throw new SampleBusyException();
      case 1 -> throw new RefusedException();
      case 2 -> throw new SampleBadValueException(-7, 0xFFFF_FFFF_FFFF_FFF0L);
      case 3 -> throw new CapNoAccessException();
      case 4 -> throw new KernelException(0x1234);
      case 6 -> throw new IllegalStateException("a bug in the server");
      case 7 -> {
        int[] none = new int[0];
        served += none[which]; // an index out of bounds
      }
      default -> {}
    }
  }

  @Override
  public void hidden() {
    served++;
  }

  /** {@code sample.SubSample}: Sample plus {@code extra}, with its own getType answer. */
  static final class Sub extends SampleService implements SubSampleServer {
    /** What {@link #getType} answers instead of the interface's type code. */
    static final long CUSTOM_TYPE = 0x5AB5AB5AL;

    Sub(Ipc own) {
      super(own);
    }

    @Override
    public int extra(int x) {
      return 3 * x;
    }

    @Override
    public long getType() {
      return CUSTOM_TYPE;
    }
  }
}
