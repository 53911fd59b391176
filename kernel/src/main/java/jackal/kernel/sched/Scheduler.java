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
 * allows; an idle CPU steals only from CPUs of its own node.
 */
public final class Scheduler {
  private static final VarHandle SCHED;

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
  private final int cpusPerNode;
  final long spinNanos;
  final long sliceNanos;
  final Consumer<Process> body;
  private final Consumer<String> errors;
  volatile boolean stopping;
  final SliceTimer sliceTimer;
  private int nextHome;

  /**
   * The allocation window every charge goes to (see {@link Process#allocated}); the heap guard
   * opens a new one whenever it sees the live heap under half its threshold.
   */
  volatile int allocWindow;

  /**
   * @param ncpus number of CPUs
   * @param cpusPerNode CPUs per node (work is stolen only within a node)
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
    this.cpusPerNode = cpusPerNode;
    this.spinNanos = spinNanos;
    this.sliceNanos = sliceNanos;
    this.body = body;
    this.errors = errors;
    for (int i = 0; i < ncpus; i++) {
      cpus[i] = new Cpu(this, i, i / cpusPerNode);
    }
    this.sliceTimer = new SliceTimer(this, cpus, sliceNanos);
  }

  public int cpuCount() {
    return cpus.length;
  }

  public Cpu cpu(int i) {
    return cpus[i];
  }

  public void start() {
    for (Cpu c : cpus) {
      c.start();
    }
    sliceTimer.start();
  }

  /**
   * Asks every CPU to stop once the process it runs yields, without waiting: safe to call from a
   * CPU's own thread (a SysCtl halt).
   */
  public void halt() {
    stopping = true;
    sliceTimer.stop();
    for (Cpu c : cpus) {
      Thread t = c.thread();
      if (t != null) {
        java.util.concurrent.locks.LockSupport.unpark(t);
      }
    }
  }

  /** Stops every CPU after the process it runs yields, and waits for the threads to end. */
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

  /**
   * Makes an idle process ready. {@code front} asks for slice donation: the process runs next on
   * {@code from} (the CPU running the calling transaction) when its mask allows, and otherwise goes
   * to the front of its own CPU's queue. Does nothing if the process is not idle or has exited.
   */
  public void makeReady(Process p, boolean front, Cpu from) {
    if (p.exited || !SCHED.compareAndSet(p, Process.IDLE, Process.READY)) {
      return;
    }
    if (front && from != null && p.mayRunOn(from.id)) {
      from.donate(p);
      return;
    }
    Cpu target = cpus[p.mayRunOn(p.homeCpu) ? p.homeCpu : firstAllowed(p)];
    if (front) {
      target.queue.addFirst(p);
    } else {
      target.queue.addLast(p);
    }
    if (target != from) {
      target.kick();
    }
  }

  /**
   * Work ({@code p}) has landed on {@code owner}'s queue. If {@code owner} is busy, wakes one
   * parked CPU of its node that may run {@code p}, which then steals it: without this, a process
   * requeued by a Yield or a slice expiry, or woken onto a busy CPU, waits for that CPU while a
   * peer sleeps.
   */
  void offerToIdlePeer(Cpu owner, Process p) {
    if (owner.isParked() || cpusPerNode == 1) {
      return;
    }
    int base = owner.node * cpusPerNode;
    for (int c = base; c < Math.min(base + cpusPerNode, cpus.length); c++) {
      Cpu peer = cpus[c];
      if (peer != owner && peer.isParked() && p.mayRunOn(c)) {
        peer.kick();
        return;
      }
    }
  }

  private int firstAllowed(Process p) {
    for (int i = 0; i < cpus.length; i++) {
      if (p.mayRunOn(i)) {
        return i;
      }
    }
    return 0;
  }

  Process steal(Cpu thief) {
    int base = thief.node * cpusPerNode;
    for (int i = 0; i < cpusPerNode; i++) {
      int c = base + (thief.id - base + 1 + i) % cpusPerNode;
      if (c >= cpus.length || c == thief.id) {
        continue;
      }
      Process p = cpus[c].queue.pollFirstAllowedOn(thief.id);
      if (p != null) {
        return p;
      }
    }
    return null;
  }

  boolean canSteal(Cpu thief) {
    int base = thief.node * cpusPerNode;
    for (int c = base; c < Math.min(base + cpusPerNode, cpus.length); c++) {
      if (c != thief.id && cpus[c].queue.size() > 0) {
        return true;
      }
    }
    return false;
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

  /** True if the calling thread is {@code cpu}'s own thread. */
  public boolean isCpuThread(Cpu cpu) {
    return Thread.currentThread() == cpu.thread();
  }

  /** The CPU whose thread is calling, or null if the caller is not a CPU thread. */
  public Cpu currentCpu() {
    Thread t = Thread.currentThread();
    for (Cpu c : cpus) {
      if (c.thread() == t) {
        return c;
      }
    }
    return null;
  }

  /**
   * Opens a new allocation window: what each process allocated before counts no more. Called by the
   * heap guard when the live heap is under half its threshold.
   */
  public void newAllocWindow() {
    allocWindow++;
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
