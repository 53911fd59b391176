package jackal.image.persist;

import jackal.image.persist.programs.OneCallClient;
import jackal.image.persist.programs.OneShotServer;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Systems the persistence tests build with the boot API, and their programs. */
final class Systems {
  private Systems() {}

  static KernelConfig config() {
    return KernelConfig.defaults()
        .withCpus(2)
        .withCpusPerNode(2)
        .withConsole(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  /**
   * A kernel that persists: as {@link #config}, its programs made capturable, so that a cut takes
   * the state of every running program.
   */
  static KernelConfig persisting() {
    return config().withCapture(true);
  }

  /** The programs of this package and the runtime, as segments of {@code k}. */
  record Code(CodeSegment runtime, CodeSegment programs) {
    static Code of(Kernel k) {
      try {
        return new Code(
            RuntimeLibrary.segment(k),
            k.newCodeSegment(ClassFiles.jar(ClassFiles.packageOf(OneShotServer.class))));
      } catch (ProgramRefusedException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * A process named {@code name} running {@code entry}, with one data page at address 0 and a reply
   * endpoint (payload match) in REPLYEPT; not started. Returns the process; its page is found
   * through {@link #dataPage}.
   */
  static ObjectRef process(Kernel k, Code code, String name, Class<?> entry) {
    ObjectRef p = k.newProcess(name);
    try {
      // The program space's data page is the first page it makes: the OID after this one.
      dataPages.put(p.oid(), k.newPage().oid() + 1);
      ProgramSpace ps = k.newProgramSpace(entry.getName(), 1, code.programs(), code.runtime());
      k.setSpaceAndPC(p, ps.space(), ps.pc());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException(e);
    }
    ObjectRef reply = k.newEndpoint();
    k.setRecipient(reply, p);
    k.setPayloadMatch(reply);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(reply));
    replyEndpoints.put(p.oid(), reply.oid());
    return p;
  }

  /** Each process's reply endpoint, by the process's OID. */
  static final java.util.Map<Long, Long> replyEndpoints =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static final java.util.Map<Long, Long> dataPages =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The data page (address 0) of a process {@link #process} made, in kernel {@code k}. */
  static ObjectRef dataPage(Kernel k, long processOid) {
    return k.object(0, dataPages.get(processOid)).orElseThrow();
  }

  /** The long at address 0 of the data page of process {@code processOid}. */
  static long result(Kernel k, long processOid) {
    return word(k, processOid, 0);
  }

  /** The long at {@code offset} of the data page of process {@code processOid}. */
  /** Waits (up to a minute) until {@code condition} holds; fails naming {@code what} if not. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(1);
    }
  }

  static long word(Kernel k, long processOid, int offset) {
    return java.nio.ByteBuffer.wrap(k.readPage(dataPage(k, processOid), offset, 8))
        .order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .getLong();
  }

  /** Writes {@code value} at {@code offset} of the data page of process {@code processOid}. */
  static void setWord(Kernel k, long processOid, int offset, long value) {
    k.writePage(
        dataPage(k, processOid),
        offset,
        java.nio.ByteBuffer.allocate(8)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
            .putLong(value)
            .array());
  }

  /** The pair: a one-shot server and a client calling it once through an entry capability. */
  record Pair(ObjectRef server, ObjectRef client, ObjectRef serviceEp) {
    static Pair build(Kernel k, Code code) {
      ObjectRef server = process(k, code, "server", OneShotServer.class);
      ObjectRef ep = k.newEndpoint();
      k.setRecipient(ep, server);
      ObjectRef client = process(k, code, "client", OneCallClient.class);
      CapRef entry = k.entry(ep, 5);
      k.setCapReg(client, CapReg.APP0, entry);
      return new Pair(server, client, ep);
    }
  }
}
