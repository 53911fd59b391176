package jackal.bench;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A one-CPU kernel whose client and server each run in a three-level GPT address space, for the
 * {@code memory} group: a process's word loads and stores through its space, strings carried by
 * calls from the client's space into the server's, and the same work done on plain Java arrays by
 * the same client process.
 *
 * <p>Each space (see {@link #space}) is: root GPT (l2v 20, reached through a capability guarded to
 * 24 bits) → slot 1: middle GPT (l2v 16) → slot 2: leaf GPT (l2v 12) → slots 0..15: sixteen 4 KiB
 * pages, i.e. 64 KiB of data at {@link #DATA} = 0x120000 .. 0x12ffff. Every translation takes four
 * steps (three GPTs and the page).
 *
 * <p>Batches are driven exactly as in {@link KernelRig} (a one-shot kicker process wakes the
 * client, which runs the batch on its CPU thread and unparks the JMH thread); the code is repeated
 * rather than shared so that the IPC figures' rig stays exactly as it was measured. The figure and
 * its baseline run in the same process, on the same thread, through the same harness: only the
 * access differs.
 */
final class SpaceRig implements AutoCloseable {
  /** What a batch does. */
  enum Kind {
    /** {@link SystemCalls#loadLong} of the pattern's words (see {@link #STRIDE}), per access. */
    LOAD,
    /** {@link SystemCalls#storeLong} of the same words, per access. */
    STORE,
    /** The same pattern on a plain {@code long[]} of the same size, per access. */
    ARRAY_LOAD,
    /** The same pattern stored into that {@code long[]}, per access. */
    ARRAY_STORE,
    /** A call carrying a string of {@code length} bytes to the server, empty reply, per call. */
    STRING,
    /** {@code System.arraycopy} of {@code length} bytes plus the same call without a string. */
    ARRAYCOPY_CALL
  }

  /** Start of the 64 KiB of data pages, in both spaces. */
  static final long DATA = 0x12_0000L;

  /** Bytes mapped at {@link #DATA}: one leaf GPT full of pages. */
  static final int DATA_BYTES = 16 * 4096;

  /** Pages the load/store pattern covers ("a few pages"). */
  static final int ACCESS_PAGES = 4;

  /** 64-bit words the load/store pattern covers: 4 pages, 16 KiB. */
  static final int WORDS = ACCESS_PAGES * 4096 / 8;

  /**
   * Word stride of the pattern: access {@code i} is to word {@code (i * STRIDE) mod WORDS}. The
   * stride is one page and one word (513 words, 4104 bytes): odd, so every word is visited once per
   * {@link #WORDS} accesses, and each access is on the page after the previous one's (every access
   * looks its page up; none reuses the last translation). The index of an access depends only on
   * the loop counter, not on the previous index, so neither loop is held up by a chain of index
   * arithmetic (with {@code j = (j + STRIDE) mod WORDS} the array baseline is bound to two cycles
   * per access by that chain, and the ratios drop to about 2.2 and 2.7). Not contiguous, so the JIT
   * cannot vectorise the array baseline either.
   */
  static final int STRIDE = 4096 / 8 + 1;

  /** Client register holding the server's Entry capability. */
  static final int SERVER_REG = CapReg.APP0;

  /** Kicker register holding an Entry capability to the client's go endpoint. */
  static final int GO_REG = CapReg.APP0;

  static final long GO_ID = 99;
  static final long SERVICE_ID = 43;

  private static final long BATCH_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private Kernel k;
  private final ObjectRef client;
  private final CapRef goEntry;
  private final ObjectRef[] serverPages;

  /** The array baseline's words (the same values as the first {@link #WORDS} words at DATA). */
  private final long[] words = new long[WORDS];

  /** Source and destination of the arraycopy baseline. */
  private final byte[] copySrc = new byte[DATA_BYTES];

  private final byte[] copyDst = new byte[DATA_BYTES];

  private volatile Kind kind = Kind.LOAD;
  private volatile int count;
  private volatile int length;
  private volatile long completed;
  private volatile String failure;
  private volatile long lastChecksum;
  private volatile Thread waiter;
  private long started;

  SpaceRig() {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    k = Kernel.create(KernelConfig.defaults().withCpus(1).withConsole(quiet));

    // The client's data: word i of the pattern area holds i * 0x9E3779B97F4A7C15 (as do
    // words[]); the rest of the 64 KiB (and copySrc) is the byte pattern i * 31.
    byte[] data = new byte[DATA_BYTES];
    for (int i = 0; i < DATA_BYTES; i++) {
      data[i] = (byte) (i * 31);
    }
    for (int i = 0; i < WORDS; i++) {
      words[i] = i * 0x9E3779B97F4A7C15L;
      for (int b = 0; b < 8; b++) {
        data[i * 8 + b] = (byte) (words[i] >>> (8 * b));
      }
    }
    System.arraycopy(data, 0, copySrc, 0, DATA_BYTES);
    ObjectRef[] clientPages = pages(data);
    serverPages = pages(new byte[DATA_BYTES]);

    ObjectRef server = process("string-server", this::server, space(serverPages));
    ObjectRef serverEp = k.newEndpoint();
    k.setRecipient(serverEp, server);
    k.setEndpointId(serverEp, SERVICE_ID);

    client = process("space-client", this::client, space(clientPages));
    ObjectRef goEp = k.newEndpoint();
    k.setRecipient(goEp, client);
    k.setEndpointId(goEp, GO_ID);
    goEntry = k.entry(goEp, 0);
    k.setCapReg(client, SERVER_REG, k.entry(serverEp, 7));

    k.start(server);
    k.start(client);
    k = k.boot(); // the builder closes; the handle stops the rig
  }

  /** Sixteen pages holding {@code bytes}. */
  private ObjectRef[] pages(byte[] bytes) {
    ObjectRef[] p = new ObjectRef[DATA_BYTES / 4096];
    for (int i = 0; i < p.length; i++) {
      p[i] = k.newPage();
      k.writePage(p[i], 0, Arrays.copyOfRange(bytes, i * 4096, (i + 1) * 4096));
    }
    return p;
  }

  /**
   * The three-level space: root GPT (l2v 20) slot 1 → middle GPT (l2v 16) slot 2 → leaf GPT (l2v
   * 12) slots 0..15 → {@code pages}; so page i is at 0x120000 + i * 0x1000.
   */
  private CapRef space(ObjectRef[] pages) {
    ObjectRef root = k.newGpt();
    ObjectRef middle = k.newGpt();
    ObjectRef leaf = k.newGpt();
    k.setGpt(root, 20, false, false);
    k.setGpt(middle, 16, false, false);
    k.setGpt(leaf, 12, false, false);
    for (int i = 0; i < pages.length; i++) {
      k.setGptSlot(leaf, i, k.cap(pages[i]));
    }
    k.setGptSlot(middle, 2, k.guarded(k.cap(leaf), 0, 16));
    k.setGptSlot(root, 1, k.guarded(k.cap(middle), 0, 20));
    return k.guarded(k.cap(root), 0, 24);
  }

  private ObjectRef process(String name, ProgramEntry program, CapRef space) {
    ObjectRef p = k.newProcess(name, program);
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setAddressSpace(p, space);
    k.setCpuMask(p, 1L);
    return p;
  }

  /**
   * The server: receives requests with a string buffer of 64 KiB at {@link #DATA} of its space,
   * checks that the string's length is the one announced in word 1, and replies with nothing (no
   * data word, no capability, no string).
   */
  private void server(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    ipc.stringBuffer(DATA, DATA_BYTES);
    ipc.receive();
    for (; ; ) {
      if (ipc.stringLength() != ipc.w[1]) {
        fail("server received a string of " + ipc.stringLength() + " bytes, expected " + ipc.w[1]);
      }
      ipc.string(0, 0); // the received length is in the send-length word: reply without a string
      ipc.replyAndReceive(0, -1);
    }
  }

  /** The client: waits for a kick, runs the batch asked for, signals, and waits again. */
  private void client(SystemCalls sys) {
    Ipc ipc = new Ipc(sys);
    long server = CapLoc.reg(SERVER_REG);
    long done = 0; // batches finished; only this process writes completed
    for (; ; ) {
      ipc.receive(true, GO_ID);
      int n = count;
      long sum;
      switch (kind) {
        case LOAD -> sum = load(sys, n);
        case STORE -> sum = store(sys, n);
        case ARRAY_LOAD -> sum = arrayLoad(words, n);
        case ARRAY_STORE -> sum = arrayStore(words, n);
        case STRING -> sum = strings(ipc, server, n, length);
        case ARRAYCOPY_CALL -> sum = copies(ipc, server, n, length, copySrc, copyDst);
        default -> throw new AssertionError(kind);
      }
      if (sum == Long.MIN_VALUE) {
        fail("call answered with exception 0x" + Long.toHexString(ipc.exceptionCode()));
        return;
      }
      lastChecksum = sum;
      completed = ++done;
      LockSupport.unpark(waiter);
    }
  }

  // The four access loops have the same shape: access i is to word (i * STRIDE) mod WORDS of the
  // 4 pages; the loaded words are summed (loads), or the loop counter is stored (stores).

  /** memory.load: {@code n} 64-bit loads through the process's space. */
  static long load(SystemCalls sys, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += sys.loadLong(DATA + ((long) ((i * STRIDE) & (WORDS - 1)) << 3));
    }
    return sum;
  }

  /** baseline.array-load: the same loads from a {@code long[]}. */
  static long arrayLoad(long[] a, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += a[(i * STRIDE) & (WORDS - 1)];
    }
    return sum;
  }

  /** memory.store: {@code n} 64-bit stores through the process's space. */
  static long store(SystemCalls sys, int n) {
    for (int i = 0; i < n; i++) {
      sys.storeLong(DATA + ((long) ((i * STRIDE) & (WORDS - 1)) << 3), i);
    }
    return n;
  }

  /** baseline.array-store: the same stores into a {@code long[]}. */
  static long arrayStore(long[] a, int n) {
    for (int i = 0; i < n; i++) {
      a[(i * STRIDE) & (WORDS - 1)] = i;
    }
    return n; // the array is reachable from the rig: the stores cannot be dropped
  }

  /** ipc.string.*: {@code n} calls each carrying {@code len} bytes from DATA; empty replies. */
  static long strings(Ipc ipc, long server, int n, int len) {
    for (int i = 0; i < n; i++) {
      ipc.w[1] = len;
      ipc.string(DATA, len); // Ipc.call clears the send length after each call
      if (!ipc.call(server, 1, 0, -1)) {
        return Long.MIN_VALUE;
      }
    }
    return (long) n * len;
  }

  /** baseline.string.*: arraycopy of {@code len} bytes plus the same call without a string. */
  static long copies(Ipc ipc, long server, int n, int len, byte[] src, byte[] dst) {
    for (int i = 0; i < n; i++) {
      System.arraycopy(src, 0, dst, 0, len);
      ipc.w[1] = 0;
      if (!ipc.call(server, 1, 0, -1)) {
        return Long.MIN_VALUE;
      }
    }
    return (long) n * len + dst[len - 1];
  }

  /** Has the client run {@code n} operations of {@code what} and waits; returns the checksum. */
  long run(Kind what, int n) {
    return run(what, n, 0);
  }

  /** As {@link #run(Kind, int)}, with strings (and copies) of {@code len} bytes. */
  long run(Kind what, int n, int len) {
    if (failure != null) {
      throw new IllegalStateException("an earlier batch failed: " + failure);
    }
    waiter = Thread.currentThread();
    kind = what;
    count = n;
    length = len;
    long target = ++started; // plain field, JMH thread only
    ObjectRef kicker = k.newProcess("kicker", SpaceRig::kicker);
    k.setCapReg(kicker, GO_REG, goEntry);
    k.setCpuMask(kicker, 1L);
    k.start(kicker);
    long deadline = System.nanoTime() + BATCH_TIMEOUT_NANOS;
    while (completed < target && failure == null) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10)); // woken by the client
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(
            "batch " + target + " did not finish within 60 s (client " + k.inspect(client) + ")");
      }
    }
    if (failure != null) {
      throw new IllegalStateException("space rig failed: " + failure);
    }
    return lastChecksum;
  }

  private static void kicker(SystemCalls sys) {
    new Ipc(sys).send(CapLoc.reg(GO_REG), 0, -1, false);
  }

  /**
   * Checks that the kernel paths do what their baselines do (run once per trial, before measuring):
   * loads through the space sum to what the array gives, and a 64 KiB string lands in the server's
   * buffer byte for byte.
   */
  void verify() {
    int n = 3 * WORDS + 7;
    long viaSpace = run(Kind.LOAD, n);
    long viaArray = run(Kind.ARRAY_LOAD, n);
    if (viaSpace != viaArray) {
      throw new IllegalStateException(
          "loads through the space sum to " + viaSpace + ", from the array " + viaArray);
    }
    run(Kind.STRING, 1, DATA_BYTES);
    for (int i = 0; i < serverPages.length; i++) {
      byte[] got = k.readPage(serverPages[i], 0, 4096);
      if (!Arrays.equals(got, 0, 4096, copySrc, i * 4096, (i + 1) * 4096)) {
        throw new IllegalStateException("server page " + i + " does not hold the string sent");
      }
    }
  }

  private void fail(String why) {
    if (failure == null) {
      failure = why;
    }
    LockSupport.unpark(waiter);
  }

  @Override
  public void close() {
    k.close();
  }
}
