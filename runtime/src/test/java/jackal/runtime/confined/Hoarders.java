package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.Syscall;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.idl.coyotos.KernLogClient;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Loaded programs that keep memory without bound, each allocation well under the per-allocation
 * cap, in the shapes a careless or hostile program would use. None of them ever calls the kernel
 * while it grows: only the heap guard can stop them.
 */
public final class Hoarders {
  private Hoarders() {}

  /** Builders grown by doubling (append to itself) to 1 MiB each, every one kept. */
  public static final class DoublingBuilders implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      List<StringBuilder> kept = new ArrayList<>();
      for (; ; ) {
        StringBuilder sb = new StringBuilder("x");
        while (sb.length() < 1 << 20) {
          sb.append(sb);
        }
        kept.add(sb);
      }
    }
  }

  /** Bit sets each set at an index two million bits out (256 KiB of words each), every one kept. */
  public static final class FarBits implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      List<BitSet> kept = new ArrayList<>();
      for (int i = 0; ; i++) {
        BitSet b = new BitSet();
        b.set((1 << 21) + (i & 63));
        kept.add(b);
      }
    }
  }

  /** A map filled forever, 1 KiB a value: the JDK grows its table by doubling. */
  public static final class FilledMap implements ProgramEntry {
    @Override
    public void run(SystemCalls sys) {
      Map<Integer, long[]> m = new HashMap<>();
      for (int i = 0; ; i++) {
        m.put(i, new long[128]);
      }
    }
  }

  /** Keeps its 64 KiB arrays in a static field, where its class (not its stack) holds them. */
  public static final class StaticHoard implements ProgramEntry {
    static final List<byte[]> KEPT = new ArrayList<>();

    @Override
    public void run(SystemCalls sys) {
      for (; ; ) {
        KEPT.add(new byte[1 << 16]);
      }
    }
  }

  /**
   * Takes 64 MiB (8 MiB, then 56 MiB in one array, both under the cap), then waits in a receive
   * forever, holding it. The large array comes after its log line, and the receive's parameter
   * block is made ready before it: between the array and the trap there is no preemption check (the
   * trap gate is the kernel's), so the program is waiting by the time the guard can stop it.
   */
  public static final class HoardsThenWaits implements ProgramEntry {
    public static final int MIB = 64;

    @Override
    public void run(SystemCalls sys) throws Exception {
      List<byte[]> kept = new ArrayList<>();
      kept.add(new byte[8 << 20]);
      new KernLogClient(new Ipc(sys))
          .stringArea(8, 256)
          .log(CapLoc.reg(20), ("holding " + MIB + " MiB").getBytes(UTF_8));
      ParameterBlock receive = new ParameterBlock();
      receive.w[ParameterBlock.ICW] = Syscall.INVOKE_CAP | Icw.RP;
      kept.add(new byte[(MIB - 8) << 20]);
      sys.trap(receive);
      kept.clear();
    }
  }
}
