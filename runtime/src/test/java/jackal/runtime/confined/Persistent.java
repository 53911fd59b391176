package jackal.runtime.confined;

import static java.nio.charset.StandardCharsets.UTF_8;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.KernLogClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A computation whose state lives in Java locals of several frames, in static fields and in a heap
 * structure, with a system call (Yield) at every step and preemption checks in its loops: captured
 * anywhere and resumed in a fresh kernel, it must end with the same line as a run left alone.
 */
public final class Persistent implements ProgramEntry {
  /** Steps of the outer loop. */
  public static final int STEPS = 24;

  /** Static state: changed by every step. */
  static long[] table = new long[5];

  /** How many times the class's initializer ran in this process: 1, even after a restore. */
  static int initRuns;

  static {
    initRuns++;
  }

  /** Heap state reached through the entry object. */
  private final Map<String, List<Integer>> seen = new TreeMap<>();

  private final List<Step> history = new ArrayList<>();

  enum Phase {
    WARM,
    HOT
  }

  record Step(int i, long acc, Phase phase) {}

  /** A program object with a cycle, kept only in a local. */
  static final class Node {
    final int value;
    Node next;

    Node(int value) {
      this.value = value;
    }
  }

  @Override
  public void run(SystemCalls sys) throws KernelException {
    Ipc ipc = new Ipc(sys);
    long acc = 17;
    double d = 0.5;
    float f = 1.25f;
    char c = 'a';
    boolean flip = false;
    String s = "s";
    int[] counts = new int[4];
    StringBuilder sb = new StringBuilder();
    Map<Integer, String> names = new HashMap<>();
    Node ring = new Node(0);
    ring.next = ring;
    for (int i = 0; i < STEPS; i++) {
      acc = step(ipc, acc, i);
      d = d * 1.5 % 7;
      f += i;
      c = (char) ('a' + (i % 26));
      flip = !flip;
      counts[i % 4]++;
      table[i % table.length] += acc & 0xff;
      s = s.length() > 6 ? "s" + i : s + c;
      sb.append(i % 10);
      names.put(i % 5, s);
      Node n = new Node(i);
      n.next = ring.next;
      ring.next = n;
      seen.computeIfAbsent("k" + (i % 3), k -> new ArrayList<>()).add(i);
      history.add(new Step(i, acc & 0xffff, i < STEPS / 2 ? Phase.WARM : Phase.HOT));
      ipc.yieldCpu();
    }
    int ringSum = 0;
    for (Node n = ring.next; n != ring; n = n.next) {
      ringSum += n.value;
    }
    String all =
        "acc="
            + acc
            + " d="
            + d
            + " f="
            + f
            + " c="
            + c
            + " flip="
            + flip
            + " s="
            + s
            + " counts="
            + Arrays.toString(counts)
            + " table="
            + Arrays.toString(table)
            + " sb="
            + sb
            + " names="
            + names
            + " ring="
            + ringSum
            + " seen="
            + seen
            + " last="
            + history.getLast()
            + " steps="
            + history.size()
            + " init="
            + initRuns;
    // KernLog takes short lines: the whole state by its hash and length, and a few parts plainly.
    String line =
        "persistent: state="
            + Integer.toHexString(all.hashCode())
            + " len="
            + all.length()
            + " acc="
            + acc
            + " ring="
            + ringSum
            + " init="
            + initRuns;
    new KernLogClient(ipc).stringArea(0, 256).log(CapLoc.reg(20), line.getBytes(UTF_8));
  }

  /** A frame below run with locals of its own across a system call and a loop. */
  private static long step(Ipc ipc, long acc, int i) {
    long local = acc;
    for (int k = 0; k < 3; k++) {
      local = local * 31 + i + k;
      if (k == 1) {
        ipc.yieldCpu();
      }
    }
    return local;
  }
}
