package jackal.kernel.boot;

import jackal.kernel.api.CapType;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.Restr;
import jackal.kernel.cap.Capability;
import jackal.kernel.cap.OidLayout;
import jackal.kernel.invoke.Machine;
import jackal.kernel.invoke.Shutdown;
import jackal.kernel.load.ImageFormat;
import jackal.kernel.load.ImageLimits;
import jackal.kernel.load.LoadFailure;
import jackal.kernel.load.PollClass;
import jackal.kernel.load.Segment;
import jackal.kernel.load.VerifiedCache;
import jackal.kernel.load.VerifiedProgram;
import jackal.kernel.load.capture.BadProgramState;
import jackal.kernel.load.capture.ProgramStates;
import jackal.kernel.obj.CapPage;
import jackal.kernel.obj.Endpoint;
import jackal.kernel.obj.Gpt;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObType;
import jackal.kernel.obj.ObjectTable;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import jackal.kernel.sched.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The boot API: builds the objects of a system image, starts its processes and runs the CPUs.
 *
 * <p>This is the authority of whoever boots the machine. Until {@link #boot} the object {@link
 * #create} returned is that authority: it builds the image. {@code boot()} closes it and returns
 * the kernel's own handle, a second {@code Kernel} that alone can act on the running system
 * (inspect, add and start processes, stop). So code that was handed the builder, a program's
 * closure for instance, cannot use it once the system runs, and no program is ever handed the
 * handle: a program reaches the kernel only through its trap gate and capabilities. Neither object
 * answers on a CPU thread. Calls made while the CPUs run take each object's lock like any
 * transaction.
 */
public final class Kernel implements AutoCloseable {
  private final Machine machine;
  private final KernelConfig config;
  private final int bootOwner = KObject.newOwnerId();

  /** Shared by the builder and the handle: set once the CPUs run. */
  private final Lifecycle life;

  /** True for the handle {@link #boot} returns; false for the builder {@link #create} returns. */
  private final boolean handle;

  /**
   * The processes the builder started, each once, in order: the run list of an image (KernelImage).
   */
  private final Map<Process, ObjectRef> started = new LinkedHashMap<>();

  /** The checkpointer, shared by the builder and the handle (issue 12). */
  private final Checkpoints checkpoints;

  private static final class Lifecycle {
    volatile boolean booted;
  }

  private Kernel(Kernel builder) {
    this.config = builder.config;
    this.machine = builder.machine;
    this.life = builder.life;
    this.handle = true;
    this.checkpoints = builder.checkpoints;
  }

  private Kernel(KernelConfig config) {
    this.config = config;
    this.life = new Lifecycle();
    this.handle = false;
    this.machine =
        new Machine(
            config.cpus(),
            config.cpusPerNode(),
            TimeUnit.MICROSECONDS.toNanos(config.idleSpinMicros()),
            TimeUnit.MICROSECONDS.toNanos(config.sliceMicros()),
            OidLayout.fromSetting(config.oidLayout()),
            config.oidsPerType(),
            config.console(),
            System.err,
            config.capture(),
            config.crossCpuCalls() != KernelConfig.CrossCpuCalls.AT_CALLER,
            config.crossCpuCalls() == KernelConfig.CrossCpuCalls.SHIP_AND_STAY);
    machine.scheduler.defineNodes(config.nodeMasks());
    if (config.programCache() != null) {
      machine.loader.useCache(new VerifiedCache(config.programCache()));
    }
    if (config.capture()) {
      // Programs are capturable: a cut takes their state (docs/PERSISTENCE.md, section 3).
      machine.programState = new ProgramStateCut(machine);
    }
    this.checkpoints = new Checkpoints(this, machine);
  }

  /**
   * The SHA-256 naming this kernel's build: every file of its code and the JDK's version, what the
   * verified-program cache keys its entries by (and a cache of anything the kernel's code shapes
   * may key by too).
   */
  public static String build() {
    return VerifiedCache.kernelBuild();
  }

  public static Kernel create(KernelConfig config) {
    requireContinuationAccess();
    return new Kernel(config);
  }

  /**
   * Fails at once, saying what to add, when the JVM was started without the export the kernel's
   * processes run on (else the CPU threads would die with IllegalAccessError at the first dispatch
   * and the system would hang).
   */
  static void requireContinuationAccess() {
    Module kernel = Kernel.class.getModule();
    if (!Object.class.getModule().isExported("jdk.internal.vm", kernel)) {
      String to = kernel.isNamed() ? kernel.getName() : "ALL-UNNAMED";
      throw new IllegalStateException(
          "the kernel runs processes on java.base's jdk.internal.vm.Continuation, which this JVM"
              + " does not export to it: start java with --add-exports java.base/jdk.internal.vm="
              + to
              + " (./jackal does)");
    }
  }

  public KernelConfig config() {
    return config;
  }

  // ------------------------------------------------------------------ objects

  public ObjectRef newEndpoint() {
    open();
    return fresh(ObType.ENDPOINT);
  }

  public ObjectRef newPage() {
    open();
    return fresh(ObType.PAGE);
  }

  public ObjectRef newCapPage() {
    open();
    return fresh(ObType.CAP_PAGE);
  }

  public ObjectRef newGpt() {
    open();
    return fresh(ObType.GPT);
  }

  /**
   * TRUSTED CODE ONLY: a process that runs {@code program}, a lambda of the kernel's own tests, in
   * the kernel's JVM with no verification, no isolation and ambient authority. Programs (anything a
   * user writes, and everything {@code jackal run} runs) are loaded from a program space instead:
   * {@link #newProcess(String)}, {@link #newProgramSpace}, {@link #setSpaceAndPC}. Same as {@link
   * #newTrustedProcess}. Its schedule slot holds a Schedule capability: the right to run, which
   * every process the image starts needs (mkimage's process helper left it Null and marked that as
   * a bug).
   */
  public ObjectRef newProcess(String name, ProgramEntry program) {
    return newTrustedProcess(name, program);
  }

  /** TRUSTED CODE ONLY: see {@link #newProcess(String, ProgramEntry)}. */
  public ObjectRef newTrustedProcess(String name, ProgramEntry program) {
    open();
    ObjectRef ref = fresh(ObType.PROCESS);
    Process p = (Process) ref.object;
    locked(
        () -> {
          p.name = name;
          p.program = program;
          p.schedule = Capability.misc(CapType.SCHEDULE);
        },
        p);
    return ref;
  }

  private ObjectRef fresh(int obType) {
    return new ObjectRef(machine.objects.allocateFresh(obType));
  }

  // ------------------------------------------------------------------ capabilities

  /** A full-strength capability to {@code o}: Endpoint, Process, Page, CapPage or GPT. */
  public CapRef cap(ObjectRef o) {
    open();
    return new CapRef(ObjectTable.fullCap(o.object));
  }

  /** An Entry capability to endpoint {@code ep} carrying protected payload {@code payload}. */
  public CapRef entry(ObjectRef ep, int payload) {
    open();
    return new CapRef(Capability.object(CapType.ENTRY, 0, payload, endpoint(ep)));
  }

  /** An AppNotice capability to endpoint {@code ep} allowed to post the bits of {@code mask}. */
  public CapRef appNotice(ObjectRef ep, int mask) {
    open();
    return new CapRef(Capability.object(CapType.APP_NOTICE, 0, mask, endpoint(ep)));
  }

  /** A capability to one of the kernel's own services. */
  public CapRef kernelCap(KernelService service) {
    open();
    return new CapRef(Capability.misc(service.capType));
  }

  public CapRef nullCap() {
    open();
    return new CapRef(Capability.NULL);
  }

  /**
   * A background Window capability: addresses through it continue, with {@code offset} OR-ed in, at
   * slot 14 of the nearest GPT above it that has its bg bit set.
   */
  public CapRef window(long offset, int match, int l2g) {
    open();
    return new CapRef(
        Capability.of(CapType.WINDOW, 0, 0, (match << 8) | (l2g & 0x7F), offset, null));
  }

  /**
   * A LocalWindow capability: addresses through it continue, with {@code offset} OR-ed in, at slot
   * {@code rootSlot} of the GPT that holds it.
   */
  public CapRef localWindow(int rootSlot, long offset, int match, int l2g) {
    open();
    if (rootSlot < 0 || rootSlot >= Gpt.SLOTS) {
      throw new IllegalArgumentException("root slot must be 0..15, not " + rootSlot);
    }
    return new CapRef(
        Capability.of(
            CapType.LOCAL_WINDOW, 0, rootSlot, (match << 8) | (l2g & 0x7F), offset, null));
  }

  /** The same capability with restriction bits {@code restr} added. */
  public CapRef restricted(CapRef c, int restr) {
    open();
    return new CapRef(c.cap.withRestr(c.cap.restr | restr));
  }

  /** The same memory capability with guard {@code (match << 8) | l2g}. */
  public CapRef guarded(CapRef c, int match, int l2g) {
    open();
    return new CapRef(c.cap.withWord1((match << 8) | (l2g & 0x7F)));
  }

  // ------------------------------------------------------------------ setting state

  public void setRecipient(ObjectRef ep, ObjectRef process) {
    open();
    Endpoint e = endpoint(ep);
    Capability pc = ObjectTable.fullCap(process(process));
    locked(() -> e.recipient = pc, e);
  }

  /**
   * Makes the process {@code process} (a Process capability, as from {@link #cap}) the endpoint's
   * recipient; every endpoint given the same capability shares it, as endpoints given one by
   * Endpoint.setRecipient from a register do.
   */
  public void setRecipient(ObjectRef ep, CapRef process) {
    open();
    Endpoint e = endpoint(ep);
    if (process.cap.type != CapType.PROCESS) {
      throw new IllegalArgumentException(
          "a recipient is a Process capability, not " + CapType.name(process.cap.type));
    }
    locked(() -> e.recipient = process.cap, e);
  }

  public void setPayloadMatch(ObjectRef ep) {
    open();
    Endpoint e = endpoint(ep);
    locked(() -> e.pm = true, e);
  }

  public void setEndpointId(ObjectRef ep, long id) {
    open();
    Endpoint e = endpoint(ep);
    locked(() -> e.endpointID = id, e);
  }

  /** Sets an endpoint's current protected payload (e.g. to start a reply endpoint near a wrap). */
  public void setProtectedPayload(ObjectRef ep, int payload) {
    open();
    Endpoint e = endpoint(ep);
    locked(() -> e.protPayload = payload, e);
  }

  public int protectedPayload(ObjectRef ep) {
    open();
    Endpoint e = endpoint(ep);
    int[] v = new int[1];
    locked(() -> v[0] = e.protPayload, e);
    return v[0];
  }

  public void setCapReg(ObjectRef process, int reg, CapRef c) {
    open();
    if (reg <= 0 || reg >= 32) {
      throw new IllegalArgumentException("capability register must be 1..31, not " + reg);
    }
    Process p = process(process);
    locked(() -> p.setCapReg(reg, c.cap), p);
  }

  public void setAddressSpace(ObjectRef process, CapRef space) {
    open();
    Process p = process(process);
    locked(
        () -> {
          p.addrSpace = space.cap;
          machine.translationsChanged();
        },
        p);
  }

  public void setHandler(ObjectRef process, CapRef handler) {
    open();
    Process p = process(process);
    locked(() -> p.handler = handler.cap, p);
  }

  /**
   * Binds the preemption checks of code loaded for {@code process} to it: {@code pollClass} is the
   * {@code jackal.confined.Poll} class defined in the class loader that holds that process's
   * rewritten classes (see {@code jackal.kernel.load.ProgramRewriter}). The program loader does
   * this for the programs it loads; this entry is for trusted tooling that loads code itself (the
   * kernel's tests, the benchmarks).
   */
  public void bindPreemption(ObjectRef process, Class<?> pollClass) {
    Process p = process(process);
    locked(() -> PollClass.bind(pollClass, p), p);
  }

  public void setBrand(ObjectRef process, CapRef brand) {
    open();
    Process p = process(process);
    locked(() -> p.brand = brand.cap, p);
  }

  /** Restricts a process to the CPUs whose bits are set in {@code mask}. */
  /**
   * Renames a process: the name the quiescence report, the trace and the dump show (an image names
   * a process after the definition that holds it).
   */
  public void setProcessName(ObjectRef process, String name) {
    open();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("a process name must not be empty");
    }
    Process p = process(process);
    locked(() -> p.name = name, p);
  }

  public void setCpuMask(ObjectRef process, long mask) {
    open();
    long valid = config.cpus() == 64 ? -1L : (1L << config.cpus()) - 1;
    if ((mask & valid) == 0) {
      throw new IllegalArgumentException("CPU mask 0x" + Long.toHexString(mask) + " names no CPU");
    }
    Process p = process(process);
    locked(() -> p.cpuMask = mask & valid, p);
  }

  public void setGpt(ObjectRef gpt, int l2v, boolean ha, boolean bg) {
    open();
    if (l2v < Page.SIZE_BITS || l2v > 64) {
      throw new IllegalArgumentException("l2v must be " + Page.SIZE_BITS + "..64, not " + l2v);
    }
    Gpt g = gpt(gpt);
    locked(
        () -> {
          g.l2v = l2v;
          g.ha = ha;
          g.bg = bg;
          machine.translationsChanged();
        },
        g);
  }

  public void setGptSlot(ObjectRef gpt, int slot, CapRef c) {
    open();
    Gpt g = gpt(gpt);
    locked(
        () -> {
          g.slots[slot] = c.cap;
          machine.translationsChanged();
        },
        g);
  }

  public void setCapPageSlot(ObjectRef capPage, int slot, CapRef c) {
    open();
    if (!(capPage.object instanceof CapPage cp)) {
      throw new IllegalArgumentException(capPage + " is not a CapPage");
    }
    locked(() -> cp.slots[slot] = c.cap, cp);
  }

  public void writePage(ObjectRef page, int offset, byte[] bytes) {
    open();
    if (!(page.object instanceof Page pg)) {
      throw new IllegalArgumentException(page + " is not a Page");
    }
    locked(
        () -> {
          pg.noteWrite();
          System.arraycopy(bytes, 0, pg.bytes, offset, bytes.length);
        },
        pg);
  }

  public byte[] readPage(ObjectRef page, int offset, int len) {
    open();
    if (!(page.object instanceof Page pg)) {
      throw new IllegalArgumentException(page + " is not a Page");
    }
    byte[] out = new byte[len];
    locked(() -> System.arraycopy(pg.bytes, offset, out, 0, len), pg);
    return out;
  }

  // ------------------------------------------------------------------ running

  /** Queues a process to run its program (it starts with the Startup fault, as in Coyotos). */
  public void start(ObjectRef process) {
    open();
    Process p = process(process);
    if (p.program == null && p.addrSpace.type == CapType.NULL) {
      throw new IllegalArgumentException(process + " has no program (see setSpaceAndPC)");
    }
    locked(
        () -> {
          p.faultCode = FaultCode.STARTUP;
          p.faultInfo = p.pc; // the Startup fault carries the PC, as in Coyotos
        },
        p);
    if (!handle) {
      started.putIfAbsent(p, process);
    }
    machine.startProcess(p);
  }

  /**
   * Starts the CPUs and closes this builder: from now on only the handle returned here can use the
   * boot API. Called on the handle, returns the handle.
   */
  public Kernel boot() {
    checkOutside();
    if (handle) {
      return this;
    }
    synchronized (life) {
      if (life.booted) {
        throw closed();
      }
      life.booted = true;
    }
    machine.scheduler.start();
    machine.startHeapGuard(config.heapGuardPercent());
    return new Kernel(this);
  }

  /**
   * Waits until nothing is left to run: every CPU idle and no process asleep on a timer. False if
   * {@code timeout} passed first.
   */
  public boolean awaitQuiescent(Duration timeout) throws InterruptedException {
    open();
    return machine.awaitQuiescent(timeout.toNanos());
  }

  /**
   * Waits until a SysCtl capability stops the system, and says how; empty if {@code timeout} passed
   * first. Once stopped, every CPU has been asked to stop and no process runs again.
   */
  public Optional<Halt> awaitHalt(Duration timeout) throws InterruptedException {
    open();
    return halt(machine.shutdown.await(timeout.toNanos()));
  }

  /** How a SysCtl capability stopped the system; empty while it runs. */
  public Optional<Halt> halted() {
    open();
    return halt(machine.shutdown.how());
  }

  private static Optional<Halt> halt(int how) {
    return switch (how) {
      case Shutdown.HALT -> Optional.of(Halt.HALT);
      case Shutdown.POWERDOWN -> Optional.of(Halt.POWERDOWN);
      case Shutdown.REBOOT -> Optional.of(Halt.REBOOT);
      default -> Optional.empty();
    };
  }

  /**
   * Asks {@code process} for its program state (issue 12, docs/PERSISTENCE.md): taken on its own
   * CPU at the capturable capture point (a system call's entry, a preemption check) after the next
   * {@code skipPoints} ones; the process then runs on as if nothing happened. The future completes
   * with the state's bytes, or exceptionally with an {@link IllegalStateException} saying why the
   * state cannot be taken now (ask again later).
   *
   * @throws IllegalStateException at once if this kernel does not make programs capturable ({@link
   *     KernelConfig#capture} off)
   */
  public CompletableFuture<byte[]> captureProgramState(ObjectRef process, long skipPoints) {
    open();
    Process p = process(process);
    CompletableFuture<byte[]> out = new CompletableFuture<>();
    machine.programStates.request(
        p,
        skipPoints,
        o -> {
          switch (o) {
            case ProgramStates.Outcome.Captured c -> out.complete(c.state());
            case ProgramStates.Outcome.Retry r ->
                out.completeExceptionally(
                    new IllegalStateException(
                        "program state of " + process + " not taken: " + r.reason()));
          }
        });
    return out;
  }

  /**
   * Makes {@code process}, which has not run its program in this kernel, resume from {@code state}
   * (bytes from {@link #captureProgramState}, perhaps in an earlier kernel) when it next loads its
   * program, instead of starting at its entry.
   *
   * @throws IllegalStateException if this kernel does not make programs capturable ({@link
   *     KernelConfig#capture} off)
   * @throws IllegalArgumentException if the bytes are malformed or corrupted (checked now); what
   *     needs the image is checked when the program loads, and a mismatch is the process's
   *     BAD_PROGRAM_IMAGE fault, with the reason in the kernel log
   */
  public void restoreProgramState(ObjectRef process, byte[] state) {
    open();
    Process p = process(process);
    try {
      machine.programStates.restore(p, state);
    } catch (BadProgramState e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** A snapshot of a process's state, for tests and the inspector. */
  public ProcessInfo inspect(ObjectRef process) {
    open();
    Process p = process(process);
    ProcessInfo[] out = new ProcessInfo[1];
    locked(
        () ->
            out[0] =
                new ProcessInfo(
                    p.runState, p.faultCode, p.faultInfo, p.exited, p.homeCpu, p.notices),
        p);
    return out[0];
  }

  /**
   * Every process that has been given something to do (a program, an address space, a start, a
   * fault), with what it waits for: what {@code jackal run} prints when a system goes quiet, so
   * that a client blocked forever, a fault nobody handles and a program that died are never silent.
   * Processes no one has touched (fresh objects a bank handed out and never set up) are left out.
   * Each process is read under its own lock, one at a time: on a running system the list is a set
   * of snapshots, not one instant.
   */
  public List<ProcessReport> processes() {
    open();
    List<ProcessReport> out = new ArrayList<>();
    for (KObject o : machine.objects.all(ObType.PROCESS)) {
      Process p = (Process) o;
      ProcessReport[] r = new ProcessReport[1];
      locked(() -> r[0] = report(p), p);
      if (r[0] != null) {
        out.add(r[0]);
      }
    }
    out.sort((a, b) -> Long.compare(a.process().oid(), b.process().oid()));
    return out;
  }

  /** The report of {@code p} (its lock held), or null if nothing was ever asked of it. */
  private static ProcessReport report(Process p) {
    boolean pristine =
        p.program == null
            && p.addrSpace.type == CapType.NULL
            && p.faultCode == FaultCode.NO_FAULT
            && p.runState == Process.RUNNING
            && !p.exited
            && p.cont == null
            && p.stalledOn == null;
    if (pristine) {
      return null;
    }
    ProcessInfo info =
        new ProcessInfo(p.runState, p.faultCode, p.faultInfo, p.exited, p.homeCpu, p.notices);
    String waiting = null;
    if (p.stalledOn != null) {
      KObject owner = p.stalledOn.owner;
      waiting = "to send to " + owner + (owner instanceof Process r ? " (" + state(r) + ")" : "");
    } else if (p.runState == Process.RECEIVING) {
      waiting =
          (p.rcvIcw & Icw.CW) != 0
              ? "a message through endpoint ID " + p.rcvEpId + " (closed wait)"
              : "a message (open wait)";
    }
    return new ProcessReport(
        new ObjectRef(p),
        p.toString(),
        info,
        waiting,
        p.handler.type != CapType.NULL,
        p.exited ? null : p.death);
  }

  /** A word for another process's state (read without its lock: a hint for the reader). */
  private static String state(Process r) {
    if (r.exited) {
      return "returned";
    }
    return switch (r.runState) {
      case Process.RECEIVING -> "receiving";
      case Process.FAULTED -> "faulted with " + FaultCode.name(r.faultCode);
      default -> "not receiving";
    };
  }

  // ------------------------------------------------------------------ the system view (issue 13)

  /**
   * A snapshot of every object and capability ({@link SystemView}), from the builder before boot or
   * from the handle while the system runs. It holds every object's lock at once while it copies (a
   * CPU whose call meets one of those locks backs off and retries), so the view is one instant of
   * the system; the copy takes microseconds per object.
   */
  public SystemView view() {
    open();
    List<KObject> all = new ArrayList<>();
    for (int t = 0; t < ObType.COUNT; t++) {
      for (KObject o : machine.objects.all(t)) {
        all.add(o);
      }
    }
    all.sort(
        (a, b) ->
            a.obType() != b.obType()
                ? Integer.compare(a.obType(), b.obType())
                : Long.compare(a.oid, b.oid));
    for (int attempt = 0; ; attempt++) {
      int got = 0;
      while (got < all.size()
          && Transaction.tryLockOutside(all.get(got), bootOwner, machine.scheduler)) {
        got++;
      }
      if (got == all.size()) {
        try {
          return SystemViews.of(all, machine, life.booted, life.booted ? List.of() : runList());
        } finally {
          for (KObject o : all) {
            o.unlock();
          }
        }
      }
      for (int i = 0; i < got; i++) {
        all.get(i).unlock();
      }
      if (attempt > 100) {
        try {
          Thread.sleep(0, 200_000); // a CPU holds a lock through a dispatch: let it finish
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while taking a view of the system", e);
        }
      } else {
        Thread.onSpinWait();
      }
    }
  }

  /**
   * A copy of the bytes of page {@code oid} (a page the {@link #view()} lists), or empty if no live
   * page has that OID: how tools beside the kernel read what a service keeps in its pages (the bank
   * tree a dump shows comes from the space bank's manifest). Taken under the page's lock.
   */
  public Optional<byte[]> pageBytes(long oid) {
    open();
    if (!machine.objects.inRange(ObType.PAGE, oid)
        || !(machine.objects.peek(ObType.PAGE, oid) instanceof Page pg)
        || pg.isRetired()) {
      return Optional.empty();
    }
    byte[] out = new byte[Page.SIZE];
    locked(() -> System.arraycopy(pg.bytes, 0, out, 0, Page.SIZE), pg);
    return Optional.of(out);
  }

  /**
   * Why no same-CPU call runs its server in place on this JVM (the stack pointer cannot be read:
   * another architecture or OS, or no {@code --enable-native-access} for the kernel), or null when
   * calls can (docs/DESIGN-NOTES.md, "The same-CPU call runs its server in place").
   */
  public static String inPlaceUnavailable() {
    return jackal.kernel.sched.StackPointer.UNAVAILABLE;
  }

  /**
   * Per-CPU counters: dispatches, parks, steals, missed steals (a peer's queue locked for nothing
   * this CPU may run), idle and parked time, wake-up preemptions, donees run in place by their
   * callers' traps and calls not run in place for their callers' depth, the stack every process is
   * guaranteed at a dispatch, restarts (for diagnostics and benchmarks).
   */
  public String statistics() {
    open();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < machine.scheduler.cpuCount(); i++) {
      var c = machine.scheduler.cpu(i);
      b.append("cpu")
          .append(i)
          .append(": dispatches=")
          .append(c.dispatches())
          .append(" parks=")
          .append(c.parks())
          .append(" steals=")
          .append(c.steals())
          .append(" missed-steals=")
          .append(c.missedSteals())
          .append(" handoffs=")
          .append(c.handoffs())
          .append(" ships-sent=")
          .append(c.shipsSent())
          .append(" ships-run=")
          .append(c.shipsRun())
          .append(" ships-stayed=")
          .append(c.shipsStayed())
          .append(" idleMicros=")
          .append(c.idleNanos() / 1000)
          .append(" parkedMicros=")
          .append(c.parkedNanos() / 1000)
          .append(" wake-preemptions=")
          .append(c.wakePreemptions())
          .append(" in-place=")
          .append(c.inPlaceRuns())
          .append(" in-place-too-deep=")
          .append(c.inPlaceRefusedForStack())
          .append(" evictions=")
          .append(c.txn.evictions())
          .append(" meter-readings=")
          .append(c.meterReadings())
          .append(" stack-guarantee-kib=")
          .append(c.stackGuarantee() / 1024)
          .append(" restarts=")
          .append(c.restarts)
          .append(" errors=")
          .append(c.errors())
          .append('\n');
    }
    return b.toString();
  }

  /**
   * Program images this kernel's loader read and hashed because it did not recognise their pages
   * (every other load reused an image verified before).
   */
  public long programImagesRead() {
    open();
    return machine.loader.imagesRead();
  }

  /**
   * Whether the CPUs read the allocation meter at the switches of calls run in place now: only
   * while the heap in use is over a quarter of the heap guard's threshold (docs/SECURITY.md,
   * "Memory").
   */
  public boolean metersInPlace() {
    open();
    return machine.scheduler.metersInPlace();
  }

  /**
   * Running processes the heap guard made yield, as it turned metering in place on, to end a
   * stretch their CPU had not metered (their next dispatch, from the loop, is metered).
   */
  public long unmeteredStretchesEnded() {
    open();
    return machine.scheduler.unmeteredEnded();
  }

  /** Programs the heap guard has faulted for keeping the live heap over its threshold. */
  public long heapGuardTaken() {
    open();
    return machine.heapGuardTaken();
  }

  /** Failures the CPUs' dispatch loops survived: kernel errors, zero on a healthy system. */
  public long kernelErrors() {
    open();
    long n = 0;
    for (int i = 0; i < machine.scheduler.cpuCount(); i++) {
      n += machine.scheduler.cpu(i).errors();
    }
    return n;
  }

  /**
   * Stops the CPUs. Processes stay as they are; nothing more runs. On the builder of a running
   * system this does nothing (stopping it takes the handle), so that a builder used in a
   * try-with-resources block can be closed after boot.
   */
  @Override
  public void close() {
    if (!handle && life.booted) {
      return;
    }
    checkOutside();
    checkpoints.stop();
    machine.stop();
  }

  // ------------------------------------------------------------------ checkpoints (issue 12)

  /**
   * Takes a consistent cut of the system: on the builder before boot, or on the handle while the
   * CPUs run (they are held for the cut's pause, then run while the snapshot is written). The
   * objects changed since the last cut are in it, every object if {@code full} or if it is this
   * kernel's first. Waits up to {@code bound} for every CPU to reach the top of its loop and every
   * running program a capturable point. The caller must {@link Snapshot#committed commit} or {@link
   * Snapshot#abandoned abandon} it before the next cut.
   */
  public Snapshot cut(boolean full, Duration bound) throws CheckpointIncompleteException {
    open();
    return checkpoints.cut(full, bound.toNanos());
  }

  /** Takes a cut and writes it to {@code store} now; the cut's number. See {@link #cut}. */
  public long checkpoint(CheckpointWriter store, boolean full, Duration bound)
      throws CheckpointIncompleteException {
    open();
    return checkpoints.checkpoint(store, full, bound.toNanos());
  }

  /**
   * Persists the running system to {@code store}: a cut is written every {@code period} (only when
   * a program declares a snapshot through a Checkpoint capability, if {@code period} is zero), each
   * waiting up to {@code bound}. Snapshot declarations answer CkptIncomplete until this is called.
   */
  public void persist(CheckpointWriter store, Duration period, Duration bound) {
    open();
    if (!config.capture()) {
      throw new IllegalStateException(
          "a kernel that persists to a store must make its programs capturable, or no checkpoint"
              + " after the first could hold a running program: build it with"
              + " KernelConfig.withCapture(true)");
    }
    checkpoints.persist(store, period.toNanos(), bound.toNanos());
  }

  /**
   * Persists the running system to {@code store} every {@link KernelConfig#checkpointMillis} (see
   * {@link #persist(CheckpointWriter, Duration, Duration)}).
   */
  public void persist(CheckpointWriter store, Duration bound) {
    persist(store, Duration.ofMillis(config.checkpointMillis()), bound);
  }

  /** Checkpoints the persisting thread ({@link #persist}) has committed. */
  public long checkpointsCommitted() {
    return checkpoints.committedCount();
  }

  /** Why the persisting thread's last checkpoint was abandoned, or empty if it was not. */
  public Optional<String> lastCheckpointFailure() {
    return Optional.ofNullable(checkpoints.lastFailure());
  }

  /**
   * The object of type {@code obType} (Range numbering) with OID {@code oid}, if it has ever been
   * made: for tools that name objects by OID (the store's listing, tests of a resumed system).
   */
  public Optional<ObjectRef> object(int obType, long oid) {
    open();
    if (obType < 0 || obType >= ObType.COUNT) {
      throw new IllegalArgumentException("object type " + obType + " is not 0..4");
    }
    KObject o = machine.objects.peek(obType, oid);
    return o == null ? Optional.empty() : Optional.of(new ObjectRef(o));
  }

  /** The kernel's clock: nanoseconds since its restart epoch (what Sleep counts in). */
  public long clock() {
    return machine.clock();
  }

  /**
   * Loads a system saved by checkpoints into this builder, which has made nothing yet: {@code
   * image}'s objects (the newest record of each), then each process's program state, the kernel's
   * clock continued from {@code clock} (time while the system was down does not count, so a sleep
   * keeps its remaining time), and the processes of the image's run list queued to start from their
   * entry. Every check of {@link KernelImage#loadInto} comes first; a refused system loads nothing.
   */
  public void resume(KernelImage image, long clock, List<ProgramState> programs)
      throws ImageRefusedException {
    openBuilder();
    java.util.Set<Long> running = new java.util.HashSet<>();
    for (ProgramState s : programs) {
      if (s.program() != null) {
        running.add(s.oid());
      }
    }
    List<ObjectRef> run = image.loadInto(this, running);
    for (ProgramState s : programs) {
      KObject o = machine.objects.peek(ObType.PROCESS, s.oid());
      if (!(o instanceof Process p)) {
        continue; // never made: nothing to restore (the checks named every process they use)
      }
      if (s.exited()) {
        locked(() -> p.exited = true, p);
      } else if (s.program() != null) {
        locked(
            () -> {
              machine.programState.restore(p, s.program());
              // Woken out of its receive by the cut: it runs that receive again, and senders
              // wait for it meanwhile.
              p.receiveSuspended = s.receiveSuspended();
            },
            p);
        if (p.runState == Process.RUNNING) {
          machine.startProcess(p); // it re-runs the call it was in, as any woken process does
        } // a receiver waits for its sender, a faulted process for its handler
      }
    }
    machine.resumeClock(clock);
    for (ObjectRef r : run) {
      Process p = process(r);
      if (!started.containsKey(p)) {
        started.put(p, r);
        machine.startProcess(p);
      }
    }
  }

  // ------------------------------------------------------------------ programs (issue 8: loader)
  //
  // A program is a jar stored in pages: segments of read-only pages, mapped with a header page and
  // data pages into a program space whose PC is the header's address (see ImageFormat).

  /** Address space layout of a program space: a top GPT whose slots are 4 GiB each. */
  private static final int TOP_L2V = 32;

  private static final int HEADER_SLOT = 1;
  private static final int FIRST_SEGMENT_SLOT = 2;

  /** A process with no program yet: give it one with {@link #setSpaceAndPC}, then start it. */
  public ObjectRef newProcess(String name) {
    ObjectRef ref = fresh(ObType.PROCESS);
    Process p = (Process) ref.object;
    locked(
        () -> {
          p.name = name;
          p.schedule = Capability.misc(CapType.SCHEDULE);
        },
        p);
    return ref;
  }

  /**
   * Stores {@code jar} in fresh read-only pages, to be mapped into program spaces. Checks the jar
   * against the image limits (entries, sizes, inflated bytes); the classes are verified when a
   * program space names the segment.
   */
  public CodeSegment newCodeSegment(byte[] jar) throws ProgramRefusedException {
    open();
    Segment seg;
    try {
      seg = machine.loader.segment(jar);
    } catch (LoadFailure f) {
      throw new ProgramRefusedException(f);
    }
    CapRef pages = mapBytes(jar, (jar.length + Page.SIZE - 1) / Page.SIZE);
    return new CodeSegment(restricted(pages, Restr.READ_ONLY), seg);
  }

  /**
   * Builds a program space: {@code dataPages} fresh writable, non-executable pages at address 0,
   * the image header at {@code 1 << 32} (the PC), and each segment at {@code (2 + i) << 32}, its
   * pages shared with every other space that maps it. Verifies the image first (class by class
   * against the allow-list; the result is cached for every process that runs it): a refused image
   * is a {@link ProgramRefusedException} naming the class, method, offset and member.
   */
  public ProgramSpace newProgramSpace(String entryClass, int dataPages, CodeSegment... segments)
      throws ProgramRefusedException {
    open();
    if (segments.length < 1 || segments.length > ImageLimits.MAX_SEGMENTS) {
      throw new IllegalArgumentException(
          "a program has 1.." + ImageLimits.MAX_SEGMENTS + " segments, not " + segments.length);
    }
    if (dataPages < 0 || dataPages > 4096) {
      throw new IllegalArgumentException("data pages must be 0..4096, not " + dataPages);
    }
    List<Segment> segs = new ArrayList<>();
    ImageFormat.SegmentAt[] at = new ImageFormat.SegmentAt[segments.length];
    for (int i = 0; i < segments.length; i++) {
      segs.add(segments[i].segment);
      at[i] =
          new ImageFormat.SegmentAt(
              (long) (FIRST_SEGMENT_SLOT + i) << TOP_L2V, segments[i].length());
    }
    byte[] header;
    try {
      header = ImageFormat.encode(entryClass, at);
      ImageFormat.decode(header); // the same bounds a process's load applies
      VerifiedProgram verified = machine.loader.verify(segs);
      if (!verified.defines(entryClass)) {
        throw new ProgramRefusedException(
            LoadFailure.badImageFailure("entry class " + entryClass + " is not in the image"));
      }
    } catch (LoadFailure f) {
      throw new ProgramRefusedException(f);
    }
    ObjectRef top = newGpt();
    setGpt(top, TOP_L2V, false, false);
    if (dataPages > 0) {
      setGptSlot(top, 0, restricted(mapBytes(new byte[0], dataPages), Restr.NO_EXECUTE));
    }
    setGptSlot(top, HEADER_SLOT, restricted(mapBytes(header, 1), Restr.READ_ONLY));
    for (int i = 0; i < segments.length; i++) {
      setGptSlot(top, FIRST_SEGMENT_SLOT + i, segments[i].pages);
    }
    return new ProgramSpace(guarded(cap(top), 0, TOP_L2V + 4), (long) HEADER_SLOT << TOP_L2V);
  }

  /**
   * Gives a process (not yet started, or stopped) an address space and PC; its code is loaded from
   * that space when it next starts, and any trusted program it had is dropped. The boot-time
   * counterpart of {@code Process.setSpaceAndPC}; {@link #start} then runs it.
   */
  public void setSpaceAndPC(ObjectRef process, CapRef space, long pc) {
    Process p = process(process);
    locked(
        () -> {
          p.addrSpace = space.cap;
          p.pc = pc;
          p.program = null;
          machine.translationsChanged();
        },
        p);
  }

  /**
   * Fresh pages holding {@code bytes} (zero-filled to {@code pages} pages), mapped from address 0:
   * one page directly, more under a tree of GPTs (16 slots a level). The capability is guarded so
   * that addresses past the tree's reach are invalid.
   */
  private CapRef mapBytes(byte[] bytes, int pages) {
    List<CapRef> level = new ArrayList<>();
    for (int i = 0; i < pages; i++) {
      ObjectRef pg = newPage();
      int from = i * Page.SIZE;
      if (from < bytes.length) {
        writePage(pg, 0, Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + Page.SIZE)));
      }
      level.add(cap(pg));
    }
    int l2v = Page.SIZE_BITS;
    while (level.size() > 1) {
      List<CapRef> up = new ArrayList<>();
      for (int i = 0; i < level.size(); i += Gpt.SLOTS) {
        ObjectRef g = newGpt();
        setGpt(g, l2v, false, false);
        for (int j = 0; j < Gpt.SLOTS && i + j < level.size(); j++) {
          setGptSlot(g, j, level.get(i + j));
        }
        up.add(guarded(cap(g), 0, l2v + 4));
      }
      level = up;
      l2v += 4;
    }
    return level.get(0);
  }

  // ------------------------------------------------------------------ helpers

  /** For KernelImage: the builder, refused once booted and on the handle. */
  void openBuilder() {
    open();
    if (handle) {
      throw new IllegalStateException("images are taken from and loaded into the builder");
    }
  }

  Machine machine() {
    return machine;
  }

  List<ObjectRef> runList() {
    return List.copyOf(started.values());
  }

  private void checkOutside() {
    if (machine.scheduler.currentCpu() != null) {
      throw new IllegalStateException("the boot API cannot be used from inside a process");
    }
  }

  /** Every operation starts here: refused on a CPU thread, and on the builder once booted. */
  private void open() {
    checkOutside();
    if (!handle && life.booted) {
      throw closed();
    }
  }

  private static IllegalStateException closed() {
    return new IllegalStateException(
        "the system is running: its boot API is closed except through the handle boot() returned");
  }

  /** Runs {@code body} holding the locks of {@code objects}, as a transaction would. */
  void locked(Runnable body, KObject... objects) {
    for (; ; ) {
      int got = 0;
      while (got < objects.length
          && Transaction.tryLockOutside(objects[got], bootOwner, machine.scheduler)) {
        got++;
      }
      if (got == objects.length) {
        for (KObject o : objects) {
          o.markDirty();
        }
        try {
          body.run();
          return;
        } finally {
          for (KObject o : objects) {
            o.unlock();
          }
        }
      }
      for (int i = 0; i < got; i++) {
        objects[i].unlock();
      }
      Thread.onSpinWait();
    }
  }

  private static Endpoint endpoint(ObjectRef r) {
    if (r.object instanceof Endpoint e) {
      return e;
    }
    throw new IllegalArgumentException(r + " is not an Endpoint");
  }

  private static Process process(ObjectRef r) {
    if (r.object instanceof Process p) {
      return p;
    }
    throw new IllegalArgumentException(r + " is not a Process");
  }

  private static Gpt gpt(ObjectRef r) {
    if (r.object instanceof Gpt g) {
      return g;
    }
    throw new IllegalArgumentException(r + " is not a GPT");
  }
}
