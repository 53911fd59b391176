package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.idl.coyotos.KernLogClient;
import java.util.ArrayList;
import java.util.List;

/**
 * Loaded programs that allocate, as an attacker (or a careless program) would. Sizes come from a
 * word of the process's own memory (0 unless the test stores one), so that nothing is a constant
 * the compiler could see through.
 */
public final class Allocators {
  private Allocators() {}

  private static int big(SystemCalls sys) {
    return (int) sys.loadLong(0) + Integer.MAX_VALUE - 16;
  }

  /** One array of about 16 GiB of longs. */
  public static final class HugeArray implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      long[] a = new long[big(sys)];
      a[0] = 1;
    }
  }

  /** Catches the over-cap unwinding and goes on allocating, as if nothing happened. */
  public static final class CatchesAndGoesOn implements ProgramEntry {
    @Override
    @SuppressWarnings("CatchAndPrintStackTrace")
    public void run(SystemCalls sys) {
      List<byte[]> kept = new ArrayList<>();
      for (; ; ) {
        try {
          kept.add(new byte[big(sys)]);
        } catch (Throwable t) {
          kept.add(new byte[16]);
        }
      }
    }
  }

  /** A two-level array whose outer dimension asks for hundreds of millions of empty arrays. */
  public static final class WideMatrix implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      int[][] m = new int[big(sys) / 4][0];
      m[0] = null;
    }
  }

  /** Asks a JDK collection for a backing array of two billion references. */
  public static final class HugeList implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      List<Object> l = new ArrayList<>(big(sys));
      l.add(l);
    }
  }

  /** A string of a billion characters, through String.repeat. */
  public static final class HugeRepeat implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      String s = "ab".repeat(big(sys) / 4);
      new KernLogClient(new Ipc(sys))
          .stringArea(8, 256)
          .log(CapLoc.reg(20), ("len " + s.length()).getBytes(UTF_8));
    }
  }

  /** A copy grown to two billion ints through Arrays.copyOf. */
  public static final class HugeCopy implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) throws Exception {
      int[] a = java.util.Arrays.copyOf(new int[1], big(sys));
      a[0] = 1;
    }
  }

  /** Allocates and drops 1 GiB of garbage in 1 MiB arrays (and smaller), then says so and ends. */
  public static final class Garbage implements ProgramEntry {
    public static final int ROUNDS = 1024;

    @Override
    public void run(SystemCalls sys) throws Exception {
      long sum = 0;
      for (int i = 0; i < ROUNDS; i++) {
        byte[] b = new byte[1 << 20];
        b[i] = (byte) i;
        sum += b[i] & 0xff;
        List<String> l = new ArrayList<>();
        for (int j = 0; j < 64; j++) {
          l.add("s" + j);
        }
        sum += l.size();
      }
      // Every checked shape, at honest sizes: each runs as it would unloaded.
      int[][][] cube = new int[2][3][4];
      cube[1][2][3] = 7;
      int[] grown = java.util.Arrays.copyOf(new int[] {5}, 3);
      String r = "ab".repeat(3);
      StringBuilder sb = new StringBuilder(8).append(r);
      sb.setLength(4);
      List<Integer> sized = new ArrayList<>(10);
      sized.add(cube[1][2][3] + grown[0]);
      java.util.Map<String, Integer> m = new java.util.HashMap<>(4);
      m.put(sb.toString(), sized.get(0));
      new KernLogClient(new Ipc(sys))
          .stringArea(8, 256)
          .log(
              CapLoc.reg(20),
              ("garbage done " + sum + " " + m + " " + grown.length).getBytes(UTF_8));
    }
  }
}
