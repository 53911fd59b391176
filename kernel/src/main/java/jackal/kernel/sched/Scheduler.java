package jackal.kernel.sched;

import jackal.kernel.obj.Process;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The CPUs and the rule that decides where a process that becomes ready goes.
 *
 * <p>CPUs are grouped into nodes of close CPUs (a setting, so a NUMA machine can be modelled on two
 * cores). A process may run on the CPUs in its mask. A woken process goes to the CPU it last ran
 * on; a process the current CPU donates its slice to runs next on the current CPU if its mask
 * allows; an idle CPU steals from CPUs of its own node first, and from another node only when none
 * of that node's CPUs is idle.
 */
public final class Scheduler {
  /** {@link Process#sched}: the wakers' compare-and-set here, the dispatcher's stores in Cpu. */
  static final VarHandle SCHED;

  static {
    try {
      SCHED =
          MethodHandles.privateLookupIn(Process.class, MethodHandles.lookup())
              .findVarHandle(Process.class, "sched", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Cpu[] cpus;

  /** Allocated just before each CPU: see the constructor. Only their place in the heap matters. */
  @SuppressWarnings("unused")
  private final long[][] leadSpacers;

  /**
   * The nodes: sets of close CPUs (sharing a cache, or a NUMA node), each in ascending order. Work
   * is dispatched and stolen within a CPU's own node first, and across nodes only when the node
   * that has it has no idle CPU. Set before the CPUs start, then only read.
   */
  private int[][] nodes;

  final long spinNanos;
  final long sliceNanos;
  final Consumer<Process> body;

  /** Runs calls shipped to a CPU (see {@link #runShippedCalls}); null: no call is shipped. */
  ShippedCall shippedCall;

  private final Consumer<String> errors;
  volatile boolean stopping;
  final SliceTimer sliceTimer;

  /** Idle threads started around the CPU threads: see {@link HandleSpacers}. */
  final HandleSpacers spacers = new HandleSpacers(this);

  private int nextHome;
  private boolean started;

  /**
   * The allocation window every charge goes to (see {@link Process#allocated}); the heap guard
   * opens a new one whenever it sees the live heap under half its threshold.
   */
  volatile int allocWindow;

  /**
   * Whether the switches of a call run in place read the allocation meter (see {@link
   * #meterInPlace(boolean)}). On until the heap guard's first look, and while it finds the heap in
   * use over a quarter of its threshold; off for good when the guard is off.
   */
  volatile boolean meterInPlace = true;

  /** See {@link #unmeteredEnded()}; written by the heap guard's thread only. */
  private volatile long unmeteredEnded;

  /**
   * Processes the heap guard marked to end a stretch of runs in place that their CPU was not
   * metering, as it turned metering on ({@link #meterInPlace(boolean)}).
   */
  public long unmeteredEnded() {
    return unmeteredEnded;
  }

  /** Whether the switches of calls run in place read the allocation meter now. */
  public boolean metersInPlace() {
    return meterInPlace;
  }

  /**
   * @param ncpus number of CPUs
   * @param cpusPerNode CPUs per node: CPUs {@code 0..n-1} are node 0, the next {@code n} node 1,
   *     and so on ({@link #defineNodes} describes any other grouping)
   * @param spinNanos how long an idle CPU spins before it parks
   * @param sliceNanos how long a chain of slice donations may keep a CPU while others wait
   * @param body what a process's continuation runs (the program, wrapped by the kernel)
   * @param errors where failures the CPUs survive are reported (whole lines; must not block)
   */
  public Scheduler(
      int ncpus,
      int cpusPerNode,
      long spinNanos,
      long sliceNanos,
      Consumer<Process> body,
      Consumer<String> errors) {
    if (ncpus < 1 || ncpus > 64) {
      throw new IllegalArgumentException("cpus must be between 1 and 64, not " + ncpus);
    }
    if (cpusPerNode < 1) {
      throw new IllegalArgumentException("cpus per node must be at least 1");
    }
    this.cpus = new Cpu[ncpus];
    this.spinNanos = spinNanos;
    this.sliceNanos = sliceNanos;
    this.body = body;
    this.errors = errors;
    // A CPU made and dropped first: the classes, lambdas and array types a CPU's construction
    // loads are made now, so they do not sit among the first real CPU's objects, and each CPU's
    // objects start after a spacer nobody touches (its constructor ends with one). Without this,
    // about one JVM in four ran CPU 0's calls a fifth slower, on either vCPU (docs/BENCHMARKS.md,
    // "Tenth session: the slow two-CPU JVMs"). The spacers stay as long as the CPUs do, since a
    // compacting collection would otherwise slide the CPUs' objects up against what precedes them.
    new Cpu(this, 0, 0, new ReadyQueue());
    this.leadSpacers = new long[ncpus][];
    for (int i = 0; i < ncpus; i++) {
      leadSpacers[i] = new long[Cpu.SPACER_LONGS];
      ReadyQueue queue = new ReadyQueue(); // before the CPU: see its constructor
      cpus[i] = new Cpu(this, i, i / cpusPerNode, queue);
    }
    long[] masks = new long[(ncpus + cpusPerNode - 1) / cpusPerNode];
    for (int i = 0; i < ncpus; i++) {
      masks[i / cpusPerNode] |= 1L << i;
    }
    useNodes(masks);
    this.sliceTimer = new SliceTimer(this, cpus, sliceNanos);
  }

  /**
   * Groups the CPUs into nodes of close CPUs, one CPU mask per node (e.g. {@code 0b0011, 0b1100}
   * for two nodes of two CPUs). Every CPU must be in exactly one node. Only before {@link #start}.
   */
  public synchronized void defineNodes(long... masks) {
    if (started) {
      throw new IllegalStateException("nodes are defined before the CPUs start");
    }
    long all = cpus.length == 64 ? -1L : (1L << cpus.length) - 1;
    long seen = 0;
    for (long m : masks) {
      if (m == 0 || (m & ~all) != 0 || (m & seen) != 0) {
        throw new IllegalArgumentException(
            "each node is a non-empty set of this machine's CPUs, in no other node: 0x"
                + Long.toHexString(m));
      }
      seen |= m;
    }
    if (seen != all) {
      throw new IllegalArgumentException("CPUs in no node: 0x" + Long.toHexString(all & ~seen));
    }
    useNodes(masks);
  }

  private void useNodes(long[] masks) {
    int[][] n = new int[masks.length][];
    for (int i = 0; i < masks.length; i++) {
      n[i] = new int[Long.bitCount(masks[i])];
      int k = 0;
      for (int c = 0; c < cpus.length; c++) {
        if ((masks[i] & (1L << c)) != 0) {
          n[i][k++] = c;
          cpus[c].node = i;
        }
      }
    }
    nodes = n;
  }

  /** The number of nodes. */
  public int nodeCount() {
    return nodes.length;
  }

  public int cpuCount() {
    return cpus.length;
  }

  public Cpu cpu(int i) {
    return cpus[i];
  }

  public synchronized void start() {
    started = true;
    // Each CPU thread is started between idle spacer threads, which keep the JVM's handles of two
    // CPU threads (written on every continuation switch) off each other's cache lines.
    for (Cpu c : cpus) {
      spacers.startGap();
      c.start();
    }
    spacers.startGap();
    sliceTimer.start();
  }

  /** Whether the CPUs are stopping or stopped (a halt or a shutdown): no program runs again. */
  public boolean halting() {
    return stopping;
  }

  /**
   * Asks every CPU to stop once the process it runs yields, without waiting: safe to call from a
   * CPU's own thread (a SysCtl halt).
   */
  public void halt() {
    stopping = true;
    synchronized (cutLock) {
      cutLock.notifyAll();
    }
    sliceTimer.stop();
    spacers.release();
    for (Cpu c : cpus) {
      Thread t = c.thread();
      if (t != null) {
        java.util.concurrent.locks.LockSupport.unpark(t);
      }
    }
  }

  /**
   * Stops every CPU after the process it runs yields, and waits for the threads to end: the CPUs',
   * the spacers' and the slice timer's, so that none of them keeps the kernel's objects reachable
   * once the kernel is closed.
   */
  public void stop() {
    halt();
    for (Cpu c : cpus) {
      try {
        c.thread().join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try {
      spacers.join();
      sliceTimer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Who runs the calls processes ship to the CPU where their recipient is ({@link
   * Process#AFTER_SHIP}). Set once, before {@link #start}.
   */
  public void runShippedCalls(ShippedCall runner) {
    if (started) {
      throw new IllegalStateException("the runner of shipped calls is set before the CPUs start");
    }
    this.shippedCall = runner;
  }

  /**
   * {@code p}, READY, whose shipped call was run on {@code from} and did not make it wait, goes on
   * where its program may run: at the front of its home CPU's queue, or handed to that CPU if idle.
   */
  void returnShipped(Process p, Cpu from) {
    Cpu target = cpus[p.mayRunOn(p.homeCpu) ? p.homeCpu : nearestAllowed(p, from)];
    enqueue(p, target, true, from);
  }

  /** Chooses a home CPU for a new process among those its mask allows, round robin. */
  public synchronized void place(Process p) {
    for (int i = 0; i < cpus.length; i++) {
      int c = (nextHome + i) % cpus.length;
      if (p.mayRunOn(c)) {
        p.homeCpu = c;
        nextHome = c + 1;
        return;
      }
    }
    throw new IllegalArgumentException(p + " may run on no CPU of this machine");
  }

  /** How long an idle CPU spins before it parks, in nanoseconds. */
  public long spinNanos() {
    return spinNanos;
  }

  /** Whether the CPUs are stopping (the kernel is closing or halted). */
  public boolean isStopping() {
    return stopping;
  }

  /**
   * Hands {@code p}, whose call is to run on CPU {@code to} while {@code p} stays on its own CPU
   * ({@link Process#shipStays}), to that CPU if it is idle: false, doing nothing, if it is busy.
   */
  public boolean handShippedCall(Process p, int to) {
    return cpus[to].offer(p, p.shipWords);
  }

  /**
   * Makes an idle process ready. {@code front} asks for slice donation: the process runs next on
   * {@code from} (the CPU running the calling transaction) when its mask allows, and otherwise goes
   * to the front of its own CPU's queue, where, woken from another CPU, it runs at that CPU's next
   * switch rather than after the slice of the process there. Does nothing if the process is not
   * idle or has exited.
   */
  public void makeReady(Process p, boolean front, Cpu from) {
    // Before the compare-and-set: if p is still READY from an entry left by a destroy, that entry
    // now serves this incarnation (see dropStale, which reads this after it writes IDLE). Stored
    // only when it changes (the first wake after a destroy): a volatile store is a full fence, and
    // storing the value already there changes nothing dropStale can read; this volatile read,
    // before the compare-and-set, stands where the store stood in the argument at dropStale.
    long incarnation = p.allocCount;
    if (p.readyFor != incarnation) {
      p.readyFor = incarnation;
    }
    // A compare-and-set that fails is only a read, but a locked one (a full fence): a process
    // found READY or ON_CPU by a volatile read is left as the failed compare-and-set would have
    // left it. This is the reply of a call run in place, whose caller is ON_CPU throughout.
    if (p.exited
        || p.sched != Process.IDLE
        || !SCHED.compareAndSet(p, Process.IDLE, Process.READY)) {
      if (p.awaitsHere) {
        // A caller waiting for this wake on its own CPU: told once this transaction has released
        // its locks, so that its next call cannot meet them (see Process#awaitsHere).
        if (from != null && from.txn.heldCount() > 0 && Thread.currentThread() == from.thread()) {
          from.txn.deferWake(p, null, false);
        } else {
          p.markWokenHere();
        }
      }
      return;
    }
    if (front && from != null && p.mayRunOn(from.id)) {
      from.donate(p);
      return;
    }
    Cpu target = cpus[p.mayRunOn(p.homeCpu) ? p.homeCpu : nearestAllowed(p, from)];
    if (target != from
        && from != null
        && from.txn.heldCount() > 0
        && Thread.currentThread() == from.thread()) {
      // Woken onto another CPU by a transaction that still holds locks (the message's endpoint,
      // the caller and its reply endpoint, which the woken process locks first when it answers):
      // queued there once they are released, so that it does not start only to meet them and
      // restart (docs/DESIGN-NOTES.md, "A cross-CPU wake waits for the waker's locks"). The
      // thread test cannot pass wrongly: every caller passing a CPU runs on that CPU's thread, and
      // a thread read C2 kept from before a yield can only make it fail, which queues at once.
      from.txn.deferWake(p, target, front);
      return;
    }
    enqueue(p, target, front, from);
  }

  /**
   * Puts {@code p}, already READY, on {@code target}'s queue and tells that CPU: made ready by
   * {@code from} (null outside any CPU), at the front if its waker waits for it.
   */
  void enqueue(Process p, Cpu target, boolean front, Cpu from) {
    if (target != from && target.offer(p)) {
      // Idle there: handed over through its inbox, the one line it spins on (an idle CPU has an
      // empty queue and no donee, so front or back, p runs next; no preemption to ask for).
      return;
    }
    if (front) {
      target.queue.addFirst(p);
    } else {
      target.queue.addLast(p);
    }
    if (target == from) {
      return;
    }
    if (front && from != null) {
      // Its caller waits on another CPU: run it at that CPU's next switch (wake-up preemption).
      target.wakeForWaitingCaller();
    } else {
      target.kick();
    }
  }

  /**
   * Whether {@code p}, just taken from a ready queue or donation slot by {@code cpu}, is an entry
   * left from before a destroy that nobody has made ready since (see {@link Process#readyFor}); if
   * so it is dropped: p becomes IDLE, to be made ready by whoever starts it. A makeReady racing
   * with the drop either sees IDLE and queues p itself, or wrote readyFor before the drop reads it
   * again here, and the entry is put back.
   */
  boolean dropStale(Process p, Cpu cpu) {
    if (p.readyFor == p.allocCount) {
      return false;
    }
    p.sched = Process.IDLE;
    if (p.readyFor == p.allocCount && SCHED.compareAndSet(p, Process.IDLE, Process.READY)) {
      cpu.queue.addLast(p);
    }
    return true;
  }

  /**
   * Work ({@code p}) has landed on {@code owner}'s queue. If {@code owner} is busy, wakes one
   * parked CPU that may run {@code p}, which then steals it: first one of {@code owner}'s node, and
   * one of another node only when no CPU of {@code owner}'s node is idle. Without this, a process
   * requeued by a Yield or a slice expiry, or woken onto a busy CPU, waits for that CPU while a
   * peer sleeps. An idle CPU that spins finds the work itself.
   */
  void offerToIdlePeer(Cpu owner, Process p) {
    if (owner.isParked() || cpus.length == 1) {
      return;
    }
    int[] local = nodes[owner.node];
    boolean localIdle = false;
    for (int c : local) {
      Cpu peer = cpus[c];
      if (peer != owner && peer.isIdle() && p.mayRunOn(c)) {
        if (peer.isParked()) {
          peer.kick();
          return;
        }
        localIdle = true;
      }
    }
    if (localIdle || nodes.length == 1 || nodeHasIdle(owner.node)) {
      return;
    }
    for (int n = 1; n < nodes.length; n++) {
      for (int c : nodes[(owner.node + n) % nodes.length]) {
        Cpu peer = cpus[c];
        if (peer.isIdle() && p.mayRunOn(c)) {
          peer.kick(); // does nothing if it spins: it steals on its own
          return;
        }
      }
    }
  }

  /**
   * An allowed CPU for a process that may not run where it last ran: one of {@code near}'s node if
   * it may, else the first it may run on.
   */
  private int nearestAllowed(Process p, Cpu near) {
    if (near != null) {
      for (int c : nodes[near.node]) {
        if (p.mayRunOn(c)) {
          return c;
        }
      }
    }
    for (int i = 0; i < cpus.length; i++) {
      if (p.mayRunOn(i)) {
        return i;
      }
    }
    return 0;
  }

  /** True if some CPU of node {@code n} is idle (spinning or parked). */
  private boolean nodeHasIdle(int n) {
    for (int c : nodes[n]) {
      if (cpus[c].isIdle()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Work for an idle CPU: the first process it may run from another queue of its own node (trying
   * the CPUs after it first, so thieves spread out), else from a queue of another node none of
   * whose CPUs is idle (an idle CPU there will take it, closer to where it ran).
   */
  Process steal(Cpu thief) {
    int[] local = nodes[thief.node];
    int me = indexIn(local, thief.id);
    for (int i = 1; i < local.length; i++) {
      Process p = stealFrom(thief, local[(me + i) % local.length]);
      if (p != null) {
        return p;
      }
    }
    for (int n = 1; n < nodes.length; n++) {
      int node = (thief.node + n) % nodes.length;
      if (nodeHasIdle(node)) {
        continue;
      }
      for (int c : nodes[node]) {
        Process p = stealFrom(thief, c);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  /**
   * The first process of {@code victim}'s queue that {@code thief} may run, or null; a miss is
   * remembered with the queue's add count read before the look, so that {@link #canSteal} does not
   * send the thief back to the same queue until something new is added there.
   */
  private Process stealFrom(Cpu thief, int victim) {
    ReadyQueue q = cpus[victim].queue;
    long seen = q.adds();
    if (!q.mayHoldWorkFor(thief.id)) {
      return null;
    }
    Process p = q.pollFirstAllowedOn(thief.id);
    if (p == null) {
      thief.stealMisses[victim] = seen;
      thief.missedSteals++;
    }
    return p;
  }

  private static int indexIn(int[] cpusOfNode, int cpu) {
    for (int i = 0; i < cpusOfNode.length; i++) {
      if (cpusOfNode[i] == cpu) {
        return i;
      }
    }
    return 0;
  }

  /** Whether {@link #steal} might find something (a hint for the idle loop, read without locks). */
  boolean canSteal(Cpu thief) {
    for (int c : nodes[thief.node]) {
      if (c != thief.id && mightSteal(thief, c)) {
        return true;
      }
    }
    for (int n = 1; n < nodes.length; n++) {
      int node = (thief.node + n) % nodes.length;
      for (int c : nodes[node]) {
        if (mightSteal(thief, c) && !nodeHasIdle(node)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code victim}'s queue holds processes, one of which may be allowed on {@code thief}
   * (its mask union), and has had one added since {@code thief} last found nothing there it may
   * run. Without the last two conditions, an idle CPU facing a queue of processes pinned elsewhere
   * would never park: it would loop on failed steals at full speed, taking that queue's lock
   * against its owner (docs/BENCHMARKS.md, "What one kernel shares between its CPUs").
   */
  private boolean mightSteal(Cpu thief, int victim) {
    ReadyQueue q = cpus[victim].queue;
    return q.size() > 0 && q.mayHoldWorkFor(thief.id) && q.adds() != thief.stealMisses[victim];
  }

  // ------------------------------------------------------------------ checkpoint cuts (issue 12)

  /** Set while a checkpoint holds every CPU at the top of its dispatch loop. */
  volatile boolean cutting;

  private final Object cutLock = new Object();
  private int heldAtCut;

  /**
   * Holds every CPU at the top of its dispatch loop, where no transaction is open and no program
   * runs: each finishes the dispatch it is in (a program stops at its next preemption check, as at
   * the end of a slice). True once all are held; false if {@code timeoutNanos} passed first (a
   * process that never reaches a check, such as trusted code in a loop), in which case the CPUs run
   * on. Before the CPUs start, or once they stop, there is nothing to hold.
   */
  public boolean holdCpus(long timeoutNanos) throws InterruptedException {
    return holdCpus(timeoutNanos, false) == Hold.HELD;
  }

  /** What {@link #holdCpus(long, boolean)} found. */
  public enum Hold {
    /** Every CPU is held. */
    HELD,
    /** The time passed first; the CPUs run on. */
    TIMED_OUT,
    /** A CPU runs a process whose program the kernel is loading; the CPUs run on. */
    LOADING
  }

  /**
   * As {@link #holdCpus(long)}; if {@code notWhileLoading}, gives up at once (the CPUs run on) when
   * a CPU that is not held yet runs a process whose program is being loaded ({@link
   * Process#loading}): loading has no preemption check, so the other CPUs would otherwise wait held
   * for it, and the caller tries again once it is over.
   */
  public Hold holdCpus(long timeoutNanos, boolean notWhileLoading) throws InterruptedException {
    synchronized (this) {
      if (!started) {
        return Hold.HELD;
      }
    }
    long deadline = System.nanoTime() + timeoutNanos;
    cutting = true;
    for (; ; ) {
      boolean loading = false;
      for (Cpu c : cpus) {
        Process p = c.running();
        if (p != null && p.poll != null) {
          p.poll.raise(jackal.kernel.sched.PollWord.SLICE);
        }
        loading |= p != null && p.loading;
        java.util.concurrent.locks.LockSupport.unpark(c.thread());
      }
      synchronized (cutLock) {
        if (heldAtCut == cpus.length || stopping) {
          return Hold.HELD;
        }
        if (loading && notWhileLoading) {
          releaseCpus();
          return Hold.LOADING;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          releaseCpus();
          return Hold.TIMED_OUT;
        }
        cutLock.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 5)));
      }
    }
  }

  /** A process a CPU runs now whose program the kernel is loading, or null (a hint: no lock). */
  public Process loadingNow() {
    for (Cpu c : cpus) {
      Process p = c.running();
      if (p != null && p.loading) {
        return p;
      }
    }
    return null;
  }

  /** Lets the CPUs held by {@link #holdCpus} run again. */
  public void releaseCpus() {
    synchronized (cutLock) {
      cutting = false;
      cutLock.notifyAll();
    }
  }

  /** Called by a CPU at the top of its loop while a cut is asked for: waits until it is over. */
  void holdAtCut() {
    synchronized (cutLock) {
      heldAtCut++;
      cutLock.notifyAll();
      try {
        while (cutting && !stopping) {
          cutLock.wait(10);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        heldAtCut--;
      }
    }
  }

  /**
   * True when no CPU has anything to run and every CPU is parked: nothing will happen until
   * something outside the kernel acts.
   */
  public boolean isQuiescent() {
    for (Cpu c : cpus) {
      if (!c.isParked() || c.hasWork()) {
        return false;
      }
    }
    return true;
  }

  /**
   * True if the calling thread is {@code cpu}'s own thread. Read fresh ({@link Cpu#here}): called
   * from a program's frames, a {@code Thread.currentThread()} that C2 kept from before a yield can
   * name the CPU the process left.
   */
  public boolean isCpuThread(Cpu cpu) {
    return Cpu.here() == cpu;
  }

  /**
   * The CPU of this scheduler whose thread is calling, or null if the caller is not one of its CPU
   * threads; read fresh, as {@link #isCpuThread} reads it.
   */
  public Cpu currentCpu() {
    Cpu c = Cpu.here();
    return c != null && c.scheduler() == this ? c : null;
  }

  /**
   * Opens a new allocation window: what each process allocated before counts no more. Called by the
   * heap guard when the live heap is under half its threshold.
   */
  public void newAllocWindow() {
    allocWindow++;
  }

  /**
   * Turns the reading of the allocation meter at the switches of calls run in place on or off.
   * Called by the heap guard from its own thread: on while the heap in use is over a quarter of its
   * threshold, when its counts may soon decide whom to fault; off below an eighth, where the window
   * they count in is restarted at every look anyway. Off, a CPU charges what runs in place allocate
   * to nobody ({@link Cpu#runDonatedInPlace}). Turned on, every CPU still in such an unmetered
   * stretch has its running process marked {@link PollWord#SLICE}: it yields at its next check, and
   * its next dispatch, from the loop, reads the meter again. Either way no process is ever charged
   * another's bytes; what goes uncounted is bounded in docs/SECURITY.md ("Memory").
   */
  @SuppressWarnings("NonAtomicVolatileUpdate") // unmeteredEnded: the guard's thread only
  public void meterInPlace(boolean on) {
    if (on == meterInPlace) {
      return;
    }
    meterInPlace = on; // before the looks below; a CPU going unmetered writes its flag first
    if (on) {
      for (Cpu c : cpus) {
        if (c.unmetered()) {
          Process p = c.running();
          PollWord w = p == null ? null : p.poll;
          if (w != null) {
            w.raise(PollWord.SLICE);
            unmeteredEnded++;
          }
        }
      }
    }
  }

  /** The current allocation window ({@link Process#allocWindow} is charged only while equal). */
  public int allocWindow() {
    return allocWindow;
  }

  /**
   * What {@code p} allocated in the current window: what it was charged as it left CPUs, plus what
   * it has allocated so far in the dispatch it is in, if it runs now.
   */
  public long allocatedInWindow(Process p) {
    long bytes = p.allocWindow == allocWindow ? p.allocated : 0;
    for (Cpu c : cpus) {
      bytes += c.uncharged(p);
    }
    return bytes;
  }

  /** False when the JVM does not count allocation per thread (then nothing is ever charged). */
  public static boolean chargesAllocation() {
    return AllocationMeter.AVAILABLE;
  }

  /** Reports a failure the dispatch loop survived; best effort (it allocates). */
  void reportKernelError(Process p, Throwable t) {
    java.io.StringWriter trace = new java.io.StringWriter();
    t.printStackTrace(new java.io.PrintWriter(trace));
    errors.accept("jackal: kernel error while running " + p + ": " + trace);
  }
}
