package jackal.kernel.boot;

import jackal.kernel.invoke.Machine;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObType;
import jackal.kernel.obj.ObjectTable;
import jackal.kernel.obj.Page;
import jackal.kernel.obj.Process;
import jackal.kernel.persist.CheckpointControl;
import jackal.kernel.persist.ProgramStateCodec;
import jackal.kernel.sched.Scheduler;
import jackal.kernel.sched.Transaction;
import jackal.kernel.trace.KernelEvents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The checkpointer of one kernel (issue 12): takes consistent cuts ({@link #cut}) and, once a store
 * is attached ({@link #persist}), writes them there periodically and when a program declares a
 * snapshot through its Checkpoint capability.
 *
 * <p>A cut: every CPU is held at the top of its dispatch loop (no transaction open, no program
 * running: a running program stops at its next preemption check); each process's program state is
 * taken (a program with a Java stack through the machine's {@link ProgramStateCodec}; if one is not
 * at a capturable point, the CPUs run on for a moment and the cut is tried again, up to its bound);
 * then every object changed since the last cut is taken (small objects copied, pages marked
 * copy-on-write), its changed mark cleared, the OID counters and the clock read, and the memory
 * epoch advanced so that every store goes through a page's {@code noteWrite} again. The CPUs then
 * run; the store writes the snapshot meanwhile.
 */
final class Checkpoints implements CheckpointControl {
  private final Kernel kernel;
  private final Machine machine;
  private final int owner = KObject.newOwnerId();

  /** Cuts taken so far. */
  private long cuts;

  /** The last snapshot handed out; the next cut waits until it is finished. */
  private Snapshot outstanding;

  private CheckpointWriter writer;
  private long periodNanos;
  private long boundNanos;
  private Thread thread;
  private boolean stopped;

  /** Snapshots declared by programs, and how many of them are committed. */
  private long declared;

  private long committedDeclared;
  private long committedTotal;
  private String lastFailure;

  Checkpoints(Kernel kernel, Machine machine) {
    this.kernel = kernel;
    this.machine = machine;
  }

  // ------------------------------------------------------------------ the cut

  /**
   * Takes a cut; every object is in it if {@code full} (and in the first cut of a kernel, always).
   * Waits up to {@code boundNanos} for every CPU to be held and every running program to be at a
   * capturable point.
   */
  Snapshot cut(boolean full, long boundNanos) throws CheckpointIncompleteException {
    synchronized (oneAtATime) {
      return cutAlone(full, boundNanos);
    }
  }

  private Snapshot cutAlone(boolean full, long boundNanos) throws CheckpointIncompleteException {
    synchronized (this) {
      if (outstanding != null && !outstanding.finished()) {
        throw new CheckpointIncompleteException(
            "the snapshot of cut " + outstanding.number() + " is still being written");
      }
    }
    ProgramStateCodec codec = machine.programState;
    long loadingUntil = System.nanoTime() + LOADING_ALLOWANCE_NANOS;
    for (; ; ) {
      long deadline = System.nanoTime() + boundNanos;
      try {
        return cutUntil(full, deadline, boundNanos, codec);
      } catch (Loading l) {
        // Fall through: the processes held so far run on while the load ends.
      } finally {
        codec.afterCut(); // processes held for the cut run on
      }
      awaitLoaded(loadingUntil);
    }
  }

  /**
   * How long, in all, a cut waits for programs being loaded, on top of its bound: loading (reading,
   * verifying and preparing an image) has no preemption check, so a CPU loading cannot be held; the
   * cut lets every CPU run until no CPU loads and tries again with its bound whole. Past this it is
   * abandoned as any cut whose CPUs do not come.
   */
  static final long LOADING_ALLOWANCE_NANOS = TimeUnit.SECONDS.toNanos(120);

  /**
   * Thrown inside a cut that found a CPU loading a program; the cut starts again after the load.
   */
  private static final class Loading extends Exception {
    private static final long serialVersionUID = 1L;

    Loading() {
      super(null, null, false, false);
    }
  }

  /**
   * Waits while a CPU loads a program (checked every few milliseconds), or until {@code until};
   * throws if that passes with a CPU still loading.
   */
  private void awaitLoaded(long until) throws CheckpointIncompleteException {
    for (; ; ) {
      Process loading = machine.scheduler.loadingNow();
      if (loading == null) {
        return;
      }
      if (System.nanoTime() - until >= 0) {
        throw new CheckpointIncompleteException(
            "process "
                + loading
                + " was still loading its program after the cut had waited "
                + TimeUnit.NANOSECONDS.toSeconds(LOADING_ALLOWANCE_NANOS)
                + " s for loads to end");
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CheckpointIncompleteException("interrupted while waiting for a program to load");
      }
    }
  }

  private Snapshot cutUntil(boolean full, long deadline, long boundNanos, ProgramStateCodec codec)
      throws CheckpointIncompleteException, Loading {
    long backoff = 1;
    Process blocker = null;
    do {
      codec.beforeCut(deadline);
      long start = System.nanoTime();
      Scheduler.Hold hold;
      try {
        hold = machine.scheduler.holdCpus(Math.max(0, deadline - start), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CheckpointIncompleteException("interrupted while holding the CPUs for a cut");
      }
      if (hold == Scheduler.Hold.LOADING) {
        throw new Loading(); // not counted against the bound: tried again once the load is over
      }
      if (hold != Scheduler.Hold.HELD) {
        if (blocker != null) {
          break; // the CPUs were held before: the program found then is what the cut waits for
        }
        throw new CheckpointIncompleteException(
            "a CPU did not reach the top of its dispatch loop within "
                + TimeUnit.NANOSECONDS.toMillis(boundNanos)
                + " ms (a process running code with no preemption check: "
                + running()
                + ")");
      }
      try {
        long heldAt = System.nanoTime();
        List<ProgramState> programs = new ArrayList<>();
        List<Long> runList = new ArrayList<>();
        blocker = programs(programs, runList);
        if (blocker == null) {
          return take(full, programs, runList, start, heldAt);
        }
        if (machine.scheduler.halting()) {
          // The CPUs have stopped (a SysCtl halt): no program will come to a capture point, and
          // waiting out the bound would only blame a process that can no longer run.
          throw new CheckpointIncompleteException(
              "the system halted while the cut waited for process "
                  + blocker
                  + ": its CPUs have stopped, so no program comes to a capture point again");
        }
      } finally {
        machine.scheduler.releaseCpus();
      }
      try {
        // The blocker runs on to its next capturable point; the CPUs are held again after a
        // pause that doubles each time (1 to 64 ms), so a long wait does not stop them often.
        Thread.sleep(backoff);
        backoff = Math.min(backoff * 2, 64);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    } while (System.nanoTime() < deadline);
    String why = blocker == null ? null : codec.whyNot(blocker);
    throw new CheckpointIncompleteException(
        "process "
            + blocker
            + " was not at a point where its program can be captured within "
            + TimeUnit.NANOSECONDS.toMillis(boundNanos)
            + " ms"
            + (why == null ? "" : ": " + why)
            + (codec == ProgramStateCodec.NONE
                ? " (this kernel has no program-state codec: only processes with no Java stack,"
                    + " not started, queued to start from their entry, or returned, can be"
                    + " checkpointed)"
                : ""));
  }

  private String running() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < machine.scheduler.cpuCount(); i++) {
      Process p = machine.scheduler.cpu(i).runningNow();
      if (p != null) {
        names.add(p.toString());
      }
    }
    return names.isEmpty() ? "none seen" : String.join(", ", names);
  }

  /**
   * Every process's program state (CPUs held); the processes queued to start from their entry go to
   * {@code runList}. Returns a process that cannot be captured now, or null.
   */
  private Process programs(List<ProgramState> out, List<Long> runList)
      throws CheckpointIncompleteException {
    List<Process> all = new ArrayList<>();
    for (KObject o : machine.objects.all(ObType.PROCESS)) {
      all.add((Process) o);
    }
    all.sort(Comparator.comparingLong(p -> p.oid));
    ProgramStateCodec codec = machine.programState;
    for (Process p : all) {
      lock(p);
      try {
        if (p.program != null) {
          throw new CheckpointIncompleteException(
              p
                  + " runs trusted code given as a Java lambda, which a checkpoint cannot hold:"
                  + " load its program from pages");
        }
        if (p.exited) {
          out.add(new ProgramState(p.oid, true, null));
        } else if (p.cont != null) {
          byte[] state = codec.capture(p);
          if (state == null) {
            return p;
          }
          out.add(new ProgramState(p.oid, false, state, p.receiveSuspended));
        } else if (p.restoreFrom != null) {
          // Resumed from a checkpoint and not dispatched since: its program state is still the one
          // the store gave it, unless a message was delivered to it meanwhile (then it runs first).
          // It is not a process to start from its entry (docs/PERSISTENCE.md, section 6).
          if (p.received) {
            return p;
          }
          out.add(new ProgramState(p.oid, false, p.restoreFrom, p.receiveSuspended));
        } else if (p.sched == Process.READY && p.readyFor == p.allocCount) {
          // Queued to start from its entry. A queue entry left by a destroy (readyFor behind the
          // count: the dispatcher drops it) starts nothing, and the process stays faulted.
          runList.add(p.oid);
        }
      } finally {
        p.unlock();
      }
    }
    return null;
  }

  private Snapshot take(
      boolean full,
      List<ProgramState> programs,
      List<Long> runList,
      long startNanos,
      long heldNanos) {
    ObjectTable table = machine.objects;
    long number;
    synchronized (this) {
      number = ++cuts;
    }
    boolean all = full || number == 1;
    long objectsStart = System.nanoTime();
    List<ObjectState> small = new ArrayList<>();
    List<Page> pages = new ArrayList<>();
    List<KObject> taken = new ArrayList<>();
    List<Long> next = new ArrayList<>();
    Counts counts = new Counts();
    java.util.function.Consumer<KObject> take =
        o -> {
          lock(o);
          try {
            o.clearDirty();
            taken.add(o);
            if (o instanceof Page p) {
              // One visit per page: its header is a cache miss, so everything the cut needs of
              // it is read while it is here.
              p.markForCut();
              pages.add(p);
              counts.add(p.allocCount);
            } else {
              small.add(KernelImage.state(o, table.layout()));
            }
          } finally {
            o.unlock();
          }
        };
    for (int t = 0; t < ObType.COUNT; t++) {
      next.add(table.nextFresh(t));
      if (all) {
        // Every object: the marks are cleared first, so one set meanwhile is kept for the next.
        table.takeMarked(t, o -> {});
        table.all(t).forEach(take);
      } else {
        // Only the objects marked since the last cut: the table's change marks list them, so the
        // cost is theirs, not the table's. Not sorted here: the snapshot sorts its records when
        // the store takes them, after the pause.
        table.takeMarked(t, take);
      }
    }
    // Stores through translations filled before the cut must come through noteWrite again, so
    // that a page of the cut is copied before its first change.
    machine.translationsChanged();
    Snapshot s =
        new Snapshot(
            number,
            all,
            kernel.config().oidLayout(),
            next,
            small,
            pages,
            java.util.Arrays.copyOf(counts.values, counts.size),
            taken,
            runList,
            programs,
            machine.clock(),
            new Snapshot.Phases(
                heldNanos - startNanos,
                objectsStart - heldNanos,
                System.nanoTime() - objectsStart));
    if (KernelEvents.COMPILED) { // once per cut: JFR's own setting decides
      Snapshot.Phases ph = s.phases();
      KernelEvents.cut(
          number,
          all,
          ph.holdNanos(),
          ph.programsNanos(),
          ph.objectsNanos(),
          taken.size(),
          pages.size());
    }
    synchronized (this) {
      outstanding = s;
    }
    return s;
  }

  /** The pages' allocation counts, in the order the cut takes them. */
  private static final class Counts {
    long[] values = new long[1024];
    int size;

    void add(long v) {
      if (size == values.length) {
        values = java.util.Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }
  }

  /** The lock of {@code o}, as the boot API takes it (a CPU's transaction never holds one now). */
  private void lock(KObject o) {
    while (!Transaction.tryLockOutside(o, owner, machine.scheduler)) {
      Thread.onSpinWait();
    }
  }

  // ------------------------------------------------------------------ persisting

  /**
   * Writes a cut to {@code w} now (every object if {@code full}); the snapshot's number. On any
   * failure the objects stay marked changed for the next cut.
   */
  long checkpoint(CheckpointWriter w, boolean full, long boundNanos)
      throws CheckpointIncompleteException {
    synchronized (oneAtATime) {
      return checkpointAlone(w, full, boundNanos);
    }
  }

  /** Held through a whole checkpoint: one is written at a time, the next waits for it. */
  private final Object oneAtATime = new Object();

  private long checkpointAlone(CheckpointWriter w, boolean full, long boundNanos)
      throws CheckpointIncompleteException {
    Snapshot s = cut(full, boundNanos);
    try {
      w.write(s);
      s.committed();
      return s.number();
    } catch (IOException | RuntimeException e) {
      s.abandoned();
      throw new CheckpointIncompleteException(
          "the store did not commit the snapshot of cut " + s.number() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Attaches a store: a thread writes a cut every {@code periodNanos} (never, if 0) and whenever a
   * program declares a snapshot; each cut waits up to {@code boundNanos}.
   */
  synchronized void persist(CheckpointWriter w, long periodNanos, long boundNanos) {
    if (writer != null) {
      throw new IllegalStateException("this kernel already persists to a store");
    }
    this.writer = w;
    this.periodNanos = periodNanos;
    this.boundNanos = boundNanos;
    this.thread = Thread.ofPlatform().name("jackal-checkpoint").daemon(true).start(this::run);
    machine.checkpoints = this;
  }

  /** Stops the checkpoint thread (the kernel is closing); a checkpoint being written ends first. */
  void stop() {
    Thread t;
    synchronized (this) {
      stopped = true;
      notifyAll();
      t = thread;
    }
    if (t != null) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    long due = periodNanos > 0 ? System.nanoTime() + periodNanos : Long.MAX_VALUE;
    for (; ; ) {
      long want;
      synchronized (this) {
        for (; ; ) {
          if (stopped) {
            return;
          }
          if (declared > committedDeclared || System.nanoTime() >= due) {
            break;
          }
          long wait =
              due == Long.MAX_VALUE
                  ? 1000
                  : TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime()) + 1;
          try {
            wait(wait);
          } catch (InterruptedException e) {
            return;
          }
        }
        want = declared;
      }
      try {
        checkpoint(writer, false, boundNanos);
        synchronized (this) {
          committedDeclared = Math.max(committedDeclared, want);
          committedTotal++;
          lastFailure = null;
        }
        due = periodNanos > 0 ? System.nanoTime() + periodNanos : Long.MAX_VALUE;
      } catch (CheckpointIncompleteException e) {
        synchronized (this) {
          lastFailure = e.getMessage();
        }
        if (!machine.scheduler.halting()) {
          // Halted, no cut can be taken: the store keeps the last one taken before the halt.
          machine.kernelLog().line("checkpoint abandoned, retried: " + e.getMessage());
        }
        // Retried after a pause: a declared snapshot stays pending until one commits.
        due = System.nanoTime() + Math.max(periodNanos, TimeUnit.MILLISECONDS.toNanos(100));
        synchronized (this) {
          if (declared > committedDeclared) {
            try {
              wait(100);
            } catch (InterruptedException ie) {
              return;
            }
          }
        }
      }
    }
  }

  /** Checkpoints this thread committed, and the reason the last one failed (null if it did not). */
  synchronized long committedCount() {
    return committedTotal;
  }

  synchronized String lastFailure() {
    return lastFailure;
  }

  // ------------------------------------------------------------------ the Checkpoint capability

  @Override
  public synchronized boolean declare() {
    if (writer == null || declared > committedDeclared) {
      return false;
    }
    declared++;
    notifyAll();
    return true;
  }

  @Override
  public synchronized boolean safe() {
    return declared == committedDeclared;
  }
}
