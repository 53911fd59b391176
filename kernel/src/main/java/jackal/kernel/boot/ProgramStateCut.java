package jackal.kernel.boot;

import jackal.kernel.invoke.Machine;
import jackal.kernel.load.ProgramStateService;
import jackal.kernel.load.capture.BadProgramState;
import jackal.kernel.load.capture.ProgramStates.Outcome;
import jackal.kernel.obj.KObject;
import jackal.kernel.obj.ObType;
import jackal.kernel.obj.Process;
import jackal.kernel.persist.ProgramStateCodec;
import jackal.kernel.sched.ProgramContinuation;
import jackal.kernel.sched.StallQueue;
import jackal.kernel.sched.Transaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The program-state codec of a kernel that makes its programs capturable (KernelConfig.capture):
 * joins the asynchronous capture of {@link ProgramStateService} to the checkpointer's cut, which
 * asks for each state with every CPU held (docs/PERSISTENCE.md, section 3, "Joining the capture
 * work").
 *
 * <p>Before the CPUs are held ({@link #beforeCut}) every process with a Java stack is asked for its
 * state; one waiting in a system call it re-runs when woken (receiving, stalled, asleep) is woken
 * so that it comes to the capture point where the call starts again. Each state arrives on the
 * process's own CPU as its program unwinds; the process is then held off the CPUs, its program
 * unwound, until the cut is over ({@link #afterCut}), so the state it gave stays exact: at the cut
 * ({@link #capture}) a held process's state is returned, and for any other null, which makes the
 * cut let the CPUs run a moment and try again (bounded by the cut, which is then abandoned naming
 * the process and, through {@link #whyNot}, the reason its state was refused). Released, the
 * program is re-entered from its frames in memory and runs its call again from its start, as after
 * any wake-up.
 */
final class ProgramStateCut implements ProgramStateCodec {
  /** How long a cut waits, at most, for the states it asked for before it holds the CPUs. */
  private static final long ANSWER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  private final Machine machine;
  private final int owner = KObject.newOwnerId();

  /** A state taken for the cut under way, and the continuation it was taken from. */
  private record Kept(byte[] state, ProgramContinuation cont) {}

  // Guarded by this.
  private boolean active;

  /**
   * Set while {@link #afterCut} puts the held processes back on run queues: until then they are off
   * every queue, the CPUs may all be parked, and the system must not look quiet (this held).
   */
  private boolean releasing;

  /** How often the wait for answers looks for asked processes that went to wait in a call. */
  private static final long REWAKE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  /** Counts cuts: an answer to a request of an earlier cut is ignored. */
  private long cutNumber;

  private final Map<Process, Kept> kept = new LinkedHashMap<>();
  private final Map<Process, ProgramStateService.Request> asked = new LinkedHashMap<>();
  private final Map<Process, String> refused = new HashMap<>();

  ProgramStateCut(Machine machine) {
    this.machine = machine;
  }

  @Override
  public void beforeCut(long deadlineNanos) {
    long cut;
    synchronized (this) {
      if (!active) {
        active = true;
        cutNumber++;
      }
      cut = cutNumber;
    }
    List<Process> all = new ArrayList<>();
    for (KObject o : machine.objects.all(ObType.PROCESS)) {
      all.add((Process) o);
    }
    int waitFor = 0;
    for (Process p : all) {
      if (p.program != null || p.exited || p.cont == null) {
        continue; // no loaded program with a stack (checked again, locked, at the cut)
      }
      synchronized (this) {
        if (kept.containsKey(p) || asked.containsKey(p)) {
          continue; // held already, or asked before a retry of the cut: not asked again
        }
      }
      ProgramStateService.Request r =
          machine.programStates.ask(p, 0, outcome -> answered(p, cut, outcome));
      boolean canAnswer;
      lock(p);
      try {
        canAnswer = p.sched != Process.IDLE || wake(p);
      } finally {
        p.unlock();
      }
      synchronized (this) {
        if (r != null && !r.isAnswered()) {
          asked.put(p, r);
          if (canAnswer) {
            waitFor++;
          } else {
            refused.put(p, waitingWhy(p));
          }
        }
      }
    }
    wakeAskedWaiters();
    if (waitFor == 0) {
      return;
    }
    // At most half the time the cut has left: the CPUs must still be held within it.
    long now = System.nanoTime();
    long until = now + Math.min(ANSWER_WAIT_NANOS, Math.max(0, deadlineNanos - now) / 2);
    for (; ; ) {
      synchronized (this) {
        if (asked.isEmpty() || !anyCanAnswer()) {
          return;
        }
        long left = until - System.nanoTime();
        if (left <= 0) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, REWAKE_NANOS));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      wakeAskedWaiters();
    }
  }

  /**
   * Wakes each process asked and not answered yet that now waits off the CPU in a call it runs
   * again (see {@link #wake}). A process asked while it ran may have been past its last capture
   * point, inside a call that then blocked (a sender stalled on a receiver held for this cut, a
   * receiver with no sender left running): nothing would bring it to a capture point before the
   * cut's bound, and no retry asks it again. Called before every attempt of a cut, and while it
   * waits for the answers; without this held, since it takes each process's lock.
   */
  private void wakeAskedWaiters() {
    List<Process> pending;
    synchronized (this) {
      pending = new ArrayList<>(asked.keySet());
    }
    for (Process p : pending) {
      if (p.sched != Process.IDLE) {
        continue; // on a CPU or ready: it comes to a capture point by itself
      }
      lock(p);
      try {
        if (p.sched == Process.IDLE && p.captureRequest != null) {
          wake(p); // false if it waits where no capture point comes: the cut names it
        }
      } finally {
        p.unlock();
      }
    }
  }

  /** Whether a process asked is not known to be stuck where it cannot answer (this held). */
  private boolean anyCanAnswer() {
    for (Process p : asked.keySet()) {
      if (!refused.containsKey(p)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Wakes {@code p} (its lock held), idle, out of the call it waits in, if that call runs again
   * when it is woken; false if it waits where no capture point comes (faulted, or its program ended
   * and its process waits for its fault handler).
   */
  private boolean wake(Process p) {
    StallQueue q = p.stalledOn;
    if (q == null) {
      return machine.wakeToCapture(p);
    }
    lock(q.owner);
    try {
      return machine.wakeToCapture(p);
    } finally {
      q.owner.unlock();
    }
  }

  private static String waitingWhy(Process p) {
    if (p.faultCode != 0) {
      return "it waits with fault code " + p.faultCode + " for its fault handler";
    }
    return "it waits off the CPU outside a system call it could run again (a memory fault being"
        + " handled, or the heap guard)";
  }

  /** The answer to a request, on the process's own CPU: must not block. */
  private void answered(Process p, long cut, Outcome outcome) {
    synchronized (this) {
      if (!active || cut != cutNumber) {
        return; // asked by a cut that is over (withdrawn): the program just runs on
      }
      asked.remove(p);
      switch (outcome) {
        case Outcome.Captured c -> {
          kept.put(p, new Kept(c.state(), p.cont));
          p.heldForCut = true; // it waits, unwound, before its program is re-entered
          refused.remove(p);
        }
        case Outcome.Retry r -> refused.put(p, r.reason());
      }
      notifyAll();
    }
  }

  @Override
  public byte[] capture(Process p) {
    synchronized (this) {
      Kept k = kept.get(p);
      // Held since its state was taken: it has not run since (it cannot pass Gate.waitForCut
      // while heldForCut is set), and the continuation is the one the state came from.
      if (k != null && p.heldForCut && p.cont == k.cont()) {
        return k.state();
      }
      if (k != null) {
        kept.remove(p); // destroyed or restarted since: ask again
      }
      return null;
    }
  }

  @Override
  public synchronized boolean busy() {
    return active || releasing;
  }

  @Override
  public String whyNot(Process p) {
    synchronized (this) {
      String why = refused.get(p);
      if (why != null) {
        return why;
      }
      if (asked.containsKey(p)) {
        return "asked for its state, it reached no capture point where its stack could be saved"
            + " in time (it runs in a constructor, a static initializer, or JDK code between its"
            + " frames)";
      }
      return null;
    }
  }

  @Override
  public void afterCut() {
    Map<Process, Kept> held;
    Map<Process, ProgramStateService.Request> pending;
    synchronized (this) {
      active = false; // answers arriving from now on are ignored
      releasing = true; // but the system is not quiet until the held processes are queued again
      held = new LinkedHashMap<>(kept);
      pending = new HashMap<>(asked);
      kept.clear();
      asked.clear();
      refused.clear();
    }
    try {
      release(held, pending);
    } finally {
      synchronized (this) {
        releasing = false;
      }
    }
  }

  private void release(Map<Process, Kept> held, Map<Process, ProgramStateService.Request> pending) {
    for (Map.Entry<Process, ProgramStateService.Request> e : pending.entrySet()) {
      machine.programStates.withdraw(e.getKey(), e.getValue());
    }
    for (Map.Entry<Process, Kept> e : held.entrySet()) {
      Process p = e.getKey();
      lock(p);
      try {
        p.heldForCut = false;
        if (p.cont == e.getValue().cont() && !p.exited) {
          // Parked in Gate.waitForCut (it took this lock before it yielded), or not there yet:
          // then it finds heldForCut clear and this does nothing.
          machine.scheduler.makeReady(p, false, null);
        }
      } finally {
        p.unlock();
      }
    }
  }

  @Override
  public void restore(Process p, byte[] state) {
    try {
      machine.programStates.restore(p, state);
    } catch (BadProgramState e) {
      throw new IllegalArgumentException(p + ": " + e.getMessage(), e);
    }
  }

  /** Takes {@code o}'s lock, as the boot API does (no CPU transaction ever waits for one). */
  private void lock(KObject o) {
    while (!Transaction.tryLockOutside(o, owner, machine.scheduler)) {
      Thread.onSpinWait();
    }
  }
}
