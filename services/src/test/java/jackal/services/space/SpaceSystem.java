package jackal.services.space;

import static jackal.kernel.api.CapLoc.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.boot.ClassFiles;
import jackal.runtime.boot.RuntimeLibrary;
import jackal.services.boot.PrimeBank;
import jackal.services.boot.SpaceServerImage;
import jackal.services.idl.coyotos.DiscrimClient;
import jackal.services.idl.coyotos.ElfSpaceClient;
import jackal.services.idl.coyotos.GPTClient;
import jackal.services.idl.coyotos.ProcessClient;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.SpaceBankLimits;
import jackal.services.idl.coyotos.VirtualCopySpaceClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A kernel with the prime bank, the runtime library, the space servers' code and the programs of
 * package {@code programs} stored in pages; space servers and programs built into it (not started),
 * and trusted processes running a test's scenario. A failure inside a scenario is rethrown by
 * {@link #run}.
 */
final class SpaceSystem implements AutoCloseable {
  /** Registers of a scenario process: Discrim. */
  static final int DISCRIM = 20;

  Kernel k;
  final PrimeBank prime;
  final CodeSegment runtime;
  final CodeSegment servers;
  private CodeSegment programs;
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /** What a scenario sees: its calls and clients on its own Ipc. */
  static final class Client {
    final SystemCalls sys;
    final Ipc ipc;
    final SpaceBankClient bank;
    final ProcessClient process;
    final GPTClient gpt;
    final ElfSpaceClient elf;
    final VirtualCopySpaceClient vcs;
    final DiscrimClient discrim;

    Client(SystemCalls sys) {
      this.sys = sys;
      this.ipc = new Ipc(sys);
      Ipc calls = new Ipc(sys);
      this.bank = new SpaceBankClient(calls);
      this.process = new ProcessClient(calls);
      this.gpt = new GPTClient(calls);
      this.elf = new ElfSpaceClient(calls);
      this.vcs = new VirtualCopySpaceClient(calls);
      this.discrim = new DiscrimClient(calls);
    }

    /**
     * Gives the server whose process is in {@code serverReg} the bank in {@code bankReg} and starts
     * it from its space in {@code spaceReg} at {@code pc}.
     */
    void startServer(int serverReg, int spaceReg, long pc, int bankReg) throws KernelException {
      process.setCapReg(reg(serverReg), CapReg.SPACEBANK, reg(bankReg));
      process.setSpaceAndPC(reg(serverReg), reg(spaceReg), pc);
    }

    /**
     * Starts the server given with {@link SpaceSystem#giveServer} at {@code base} on the bank in
     * {@code bankReg}, and puts its space in {@code into}.
     */
    void startServer(int base, long pc, int bankReg, int into) throws KernelException {
      startServer(base, base + 1, pc, bankReg);
      elf.getSpace(reg(base + 2), reg(into));
    }

    /** This process now runs in the space in {@code r}. */
    void enter(int r) throws KernelException {
      process.setSlot(reg(CapReg.SELF), Codes.SLOT_ADDR_SPACE, reg(r));
    }

    /** The bank in {@code r}'s page usage. */
    long pagesUsed(int r) throws KernelException {
      return bank.getUsage(reg(r)).byType()[Codes.OT_PAGE];
    }

    /** Limits {@code r}'s bank to {@code pages} pages. */
    void limitPages(int r, long pages) throws KernelException {
      long[] lim = {-1, -1, -1, -1, -1};
      lim[Codes.OT_PAGE] = pages;
      bank.setLimits(reg(r), new SpaceBankLimits(lim));
    }
  }

  @FunctionalInterface
  interface Scenario {
    void run(Client c) throws Exception;
  }

  SpaceSystem() {
    KernelConfig cfg =
        new KernelConfig(
            2,
            2,
            "wide",
            1L << 20,
            50,
            500,
            new PrintStream(console, true, StandardCharsets.UTF_8));
    k = Kernel.create(cfg);
    runtime = RuntimeLibrary.segment(k);
    prime = PrimeBank.build(k, runtime);
    servers = SpaceServerImage.segment(k);
  }

  /** An image of {@code entry} (a class of package programs) with {@code dataPages} data pages. */
  ProgramSpace image(Class<? extends ProgramEntry> entry, int dataPages) throws Exception {
    if (programs == null) {
      programs =
          k.newCodeSegment(
              ClassFiles.jar(ClassFiles.packageOf(jackal.services.space.programs.Report.class)));
    }
    return k.newProgramSpace(entry.getName(), dataPages, programs, servers, runtime);
  }

  /** A process with a reply endpoint and SELF, no program yet, not started. */
  ObjectRef bare(String name) {
    ObjectRef p = k.newProcess(name);
    withReplyEndpoint(p);
    return p;
  }

  private void withReplyEndpoint(ObjectRef p) {
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
  }

  /**
   * A trusted process running {@code scenario}, with the prime bank in SPACEBANK and Discrim in
   * {@link #DISCRIM}; its own space is one page.
   */
  ObjectRef scenario(String name, Scenario scenario) {
    ObjectRef p =
        k.newProcess(
            name,
            sys -> {
              try {
                scenario.run(new Client(sys));
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              }
            });
    withReplyEndpoint(p);
    k.setAddressSpace(p, k.cap(k.newPage()));
    prime.give(p);
    k.setCapReg(p, DISCRIM, k.kernelCap(KernelService.DISCRIM));
    return p;
  }

  /**
   * Gives {@code p} the server's process in register {@code base}, its program space in {@code base
   * + 1} and its space facet in {@code base + 2} (see {@link Client#startServer(int, long, int,
   * int)}).
   */
  void giveServer(ObjectRef p, SpaceServerImage server, int base) {
    k.setCapReg(p, base, k.cap(server.process()));
    k.setCapReg(p, base + 1, server.space());
    k.setCapReg(p, base + 2, server.facet());
  }

  /**
   * A hand-built image shaped like a program space's data: a top GPT of 4 GiB slots whose slot 0
   * holds a GPT of pages with {@code page} at address 0x1000; the space spans 2^36 bytes.
   */
  CapRef imageWith(ObjectRef page) {
    ObjectRef data = k.newGpt();
    k.setGpt(data, 12, false, false);
    k.setGptSlot(data, 1, k.cap(page));
    ObjectRef top = k.newGpt();
    k.setGpt(top, 32, false, false);
    k.setGptSlot(top, 0, k.guarded(k.cap(data), 0, 16));
    return k.guarded(k.cap(top), 0, 36);
  }

  /**
   * As {@link #imageWith(ObjectRef)}, with {@code code} as the first page of the image's code
   * region (at {@link ProgramLayout#PC}, slot 1 of the top GPT).
   */
  CapRef imageWith(ObjectRef page, ObjectRef code) {
    ObjectRef data = k.newGpt();
    k.setGpt(data, 12, false, false);
    k.setGptSlot(data, 1, k.cap(page));
    ObjectRef text = k.newGpt();
    k.setGpt(text, 12, false, false);
    k.setGptSlot(text, 0, k.cap(code));
    ObjectRef top = k.newGpt();
    k.setGpt(top, 32, false, false);
    k.setGptSlot(top, 0, k.guarded(k.cap(data), 0, 16));
    k.setGptSlot(top, 1, k.guarded(k.cap(text), 0, 16));
    return k.guarded(k.cap(top), 0, 36);
  }

  /** A process handler that logs each upcall ("fc=4 at=1000") and never answers. */
  ObjectRef keeper(List<String> log) {
    return k.newProcess(
        "keeper",
        sys -> {
          Ipc ipc = new Ipc(sys);
          ipc.receive();
          for (; ; ) {
            log.add("fc=" + ipc.w[2] + " at=" + Long.toHexString(ipc.w[3]));
            ipc.receive();
          }
        });
  }

  /** An endpoint whose recipient is {@code p}, with ID {@code id}. */
  ObjectRef endpoint(ObjectRef p, long id) {
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, p);
    k.setEndpointId(ep, id);
    return ep;
  }

  CapRef entry(ObjectRef p, long id) {
    return k.entry(endpoint(p, id), 0);
  }

  /** Starts the bank and {@code processes}, boots, and waits until nothing runs; rethrows. */
  void run(ObjectRef... processes) throws Exception {
    k.start(prime.process());
    for (ObjectRef p : processes) {
      k.start(p);
    }
    k = k.boot();
    assertThat(k.awaitQuiescent(Duration.ofSeconds(60)))
        .as("the system settles (console: %s)", console())
        .isTrue();
    Throwable t = failure.get();
    if (t instanceof Exception e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  String console() {
    return console.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    k.close();
  }
}
