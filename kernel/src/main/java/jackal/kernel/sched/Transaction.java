package jackal.kernel.sched;

import jackal.kernel.obj.KObject;
import jackal.kernel.obj.Process;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The locks one system call holds. Each CPU has one transaction object and runs one system call at
 * a time, so the transaction doubles as the lock owner's identity.
 *
 * <p>A lock is tried, spun on briefly, and then given up: the caller must abandon the whole call
 * (releasing everything) and re-run it, so no CPU ever waits for a lock while holding another.
 */
public final class Transaction {
  private static final int SPINS = 64;

  /**
   * How many times in a row one CPU's transactions lock a shared object, by its word, before it
   * joins that CPU's domain again (docs/DESIGN-NOTES.md, "What the locks cost"): a process moved to
   * another CPU (a steal) takes its objects along after this many calls, while an object two CPUs
   * lock in turn (a cross-CPU call run at the caller) stays shared.
   */
  static final int REJOIN_AFTER = 16;

  public final Cpu cpu;

  /** This transaction's lock owner ID. */
  final int id = KObject.newOwnerId();

  /**
   * The {@link KObject#domain()} of the objects this CPU's own lock guards: its number plus one.
   */
  private final int tag;

  /**
   * This CPU's own lock (docs/DESIGN-NOTES.md, "What the locks cost"): 0 when free, else the owner
   * ID of its holder, this CPU's transaction or, for a moment, a locker evicting an object from
   * this CPU's domain. It guards every object whose {@link KObject#domain()} is {@link #tag}.
   */
  @SuppressWarnings("unused") // through DOMAIN_LOCK
  private volatile int domainLock;

  /** Whether this transaction holds {@link #domainLock}. */
  private boolean domainHeld;

  /** Objects this CPU's transactions evicted from another CPU's domain. */
  private long evictions;

  private static final VarHandle DOMAIN_LOCK;

  static {
    try {
      DOMAIN_LOCK =
          MethodHandles.lookup().findVarHandle(Transaction.class, "domainLock", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private KObject[] held = new KObject[16];
  private int count;
  private boolean committed;

  /**
   * Processes this transaction made ready onto other CPUs, queued there only once its locks are
   * released ({@link Scheduler#makeReady}): their CPUs and whether they go to the front.
   */
  private Process[] wakes = new Process[4];

  private Cpu[] wakeTargets = new Cpu[4];
  private boolean[] wakeFront = new boolean[4];
  private int wakeCount;

  Transaction(Cpu cpu) {
    this.cpu = cpu;
    this.tag = cpu.id + 1; // a scheduler has at most 64 CPUs: the tag fits the domain's byte
  }

  /**
   * Marks the commit point: from here on the call changes state and must not fail, so taking a new
   * lock is a kernel bug.
   */
  public void commit() {
    committed = true;
  }

  public boolean committed() {
    return committed;
  }

  /**
   * Takes {@code o}'s lock, or throws {@link Restart} if another CPU holds it. An object in this
   * CPU's domain is guarded by this CPU's own lock, taken once per transaction; any other by its
   * own word, after it is evicted from another CPU's domain if it was in one (docs/DESIGN-NOTES.md,
   * "What the locks cost").
   */
  public void lock(KObject o) {
    if (committed) {
      if (holds(o)) {
        o.markDirty(); // already held: by its word (marked then) or with this CPU's domain
        return;
      }
      throw new IllegalStateException("kernel bug: lock taken after the commit point");
    }
    int d = o.domain();
    if (d == tag) {
      if (!domainHeld) {
        if (o.isLockedBy(id)) {
          return; // joined this CPU's domain in this transaction, whose word it holds
        }
        takeDomain();
      }
      // Read again under the lock: an evictor changes it only holding this CPU's lock.
      if (o.domain() == tag) {
        o.markDirty(); // a locked object may change: the next checkpoint writes it
        return;
      }
      // Evicted before this CPU's lock was taken: out of the domain now, locked by its word.
    }
    // The compare-and-set first, not a read of the owner: an object last locked on another CPU (a
    // cross-CPU call's caller, server and endpoints, locked by both sides in turn) then costs one
    // cache-line transfer, not two. Re-locking an object already held fails the compare-and-set
    // on a line this CPU owns.
    int was = o.lockOrOwner(id);
    if (was == 0) {
      push(o);
    } else if (was == id) {
      return; // taken by this transaction before, and its domain settled then
    } else {
      lockSlow(o);
    }
    // Holding the word, read again: an object in another CPU's domain (there before the word was
    // taken, or joined since by that CPU, holding the word then) is guarded by that CPU's lock,
    // so it is evicted before anything of it is read. In no domain (never locked by a CPU yet, or
    // put back by a locker outside the CPUs), it joins this CPU's domain: this CPU's next
    // transactions take their own lock for it, not its word.
    int now = o.domain();
    if (now == 0) {
      o.setDomain(tag);
    } else if (now > 0) {
      evict(o, now); // never this CPU's: only a holder of the word joins an object to it
      o.lockRun(tag);
    } else if (o.lockRun(tag) >= REJOIN_AFTER) {
      // Shared, and locked only by this CPU for a while (its process moved here): it joins this
      // CPU's domain, as an object in no domain does, holding the word as a join needs; a shared
      // object is used only by holders of its word, so nobody else uses it now.
      o.setDomain(tag);
    }
  }

  /** Takes this CPU's own lock, held until {@link #releaseAll}; throws {@link Restart} if busy. */
  private void takeDomain() {
    if (!DOMAIN_LOCK.compareAndSet(this, 0, id)) {
      for (int i = 0; ; i++) {
        if (i == SPINS) {
          throw Restart.CONTENDED; // an evictor holds it for a moment
        }
        Thread.onSpinWait();
        if ((int) DOMAIN_LOCK.getOpaque(this) == 0 && DOMAIN_LOCK.compareAndSet(this, 0, id)) {
          break;
        }
      }
    }
    domainHeld = true;
  }

  /**
   * Takes {@code o} out of CPU {@code d - 1}'s domain and marks it shared (two CPUs lock it now),
   * holding that CPU's lock for the moment it takes; throws {@link Restart} if that CPU's
   * transaction holds it.
   */
  private void evict(KObject o, int d) {
    Transaction owner = cpu.scheduler().cpu(d - 1).txn;
    for (int i = 0; !owner.tryEvict(o, d, id, KObject.SHARED); i++) {
      if (i == SPINS) {
        throw Restart.CONTENDED;
      }
      Thread.onSpinWait();
    }
    evictions++;
  }

  /**
   * Once, for locker {@code by}: if this CPU's lock is free, takes it, moves {@code o} to domain
   * {@code to} if it is still in this CPU's domain ({@code d}), and lets go. False if the lock was
   * held.
   */
  private boolean tryEvict(KObject o, int d, int by, int to) {
    if ((int) DOMAIN_LOCK.getOpaque(this) != 0 || !DOMAIN_LOCK.compareAndSet(this, 0, by)) {
      return false;
    }
    if (o.domain() == d) {
      o.setDomain(to);
    }
    DOMAIN_LOCK.setRelease(this, 0);
    return true;
  }

  /**
   * For a locker outside the CPUs' transactions (the kernel timer, the boot API, a checkpoint, a
   * cut): tries once to take {@code o}'s lock for owner {@code owner}, as {@link KObject#tryLock}
   * does, and, holding its word, takes it out of any CPU's domain. True if {@code owner} now holds
   * it (perhaps already did); false, holding nothing new, if its word or the lock of the CPU whose
   * domain it is in was held. Every such locker must lock this way: an object in a CPU's domain is
   * used by that CPU's transactions without its word.
   *
   * <p>The object goes back to no domain, not to shared: a locker outside the CPUs says nothing
   * about which CPUs use the object, so the next CPU to lock it joins it to its domain again, as at
   * its first lock. A kernel that persists or is viewed locks every object at each checkpoint or
   * view; marked shared, each object would go back to its CPU's own lock only after a run of {@link
   * #REJOIN_AFTER} of that CPU's locks by its word (docs/DESIGN-NOTES.md, "What the locks cost").
   */
  public static boolean tryLockOutside(KObject o, int owner, Scheduler scheduler) {
    if (o.isLockedBy(owner)) {
      return true; // taken before, and checked then
    }
    if (!o.tryLock(owner)) {
      return false;
    }
    // Holding the word: an object in a CPU's domain (joined by that CPU holding the word, perhaps
    // just before this locker took it) is evicted before anything of it is read.
    int d = o.domain();
    if (d > 0 && !scheduler.cpu(d - 1).txn.tryEvict(o, d, owner, 0)) {
      o.unlock();
      return false;
    }
    return true;
  }

  /**
   * Whether a lock this CPU's transactions could not see guards {@code p} now: its word, or, if it
   * is in a CPU's domain, that CPU's lock held by anyone but this transaction. Read with a full
   * fence against a volatile store just before (see {@code Cpu.dispatch}).
   */
  boolean heldElsewhere(KObject p) {
    if (p.lockHeld()) {
      return true;
    }
    int d = p.domain();
    if (d <= 0) {
      return false;
    }
    int holder = (int) DOMAIN_LOCK.getVolatile(cpu.scheduler().cpu(d - 1).txn);
    return holder != 0 && holder != id;
  }

  /** Objects this CPU's transactions took out of other CPUs' domains. */
  public long evictions() {
    return evictions;
  }

  private void lockSlow(KObject o) {
    for (int i = 0; i < SPINS; i++) {
      Thread.onSpinWait();
      if (o.looksUnlocked() && o.tryLock(id)) {
        push(o);
        return;
      }
    }
    throw Restart.CONTENDED;
  }

  private void push(KObject o) {
    o.markDirty(); // a locked object may change: the next checkpoint writes it
    if (count == held.length) {
      held = java.util.Arrays.copyOf(held, count * 2);
    }
    held[count++] = o;
  }

  public boolean holds(KObject o) {
    return o.isLockedBy(id) || (domainHeld && o.domain() == tag);
  }

  /**
   * Releases every lock: the end of the call, or its abandonment; then queues the processes the
   * call woke onto other CPUs, which can now take those locks at once.
   */
  public void releaseAll() {
    for (int i = count - 1; i >= 0; i--) {
      held[i].unlock();
      held[i] = null;
    }
    count = 0;
    committed = false;
    if (domainHeld) {
      domainHeld = false;
      DOMAIN_LOCK.setRelease(this, 0);
    }
    if (wakeCount > 0) {
      flushWakes();
    }
  }

  /** {@code p} (READY) goes on {@code target}'s queue when this transaction releases its locks. */
  void deferWake(Process p, Cpu target, boolean front) {
    if (wakeCount == wakes.length) {
      int n = wakeCount * 2;
      wakes = java.util.Arrays.copyOf(wakes, n);
      wakeTargets = java.util.Arrays.copyOf(wakeTargets, n);
      wakeFront = java.util.Arrays.copyOf(wakeFront, n);
    }
    wakes[wakeCount] = p;
    wakeTargets[wakeCount] = target;
    wakeFront[wakeCount] = front;
    wakeCount++;
  }

  private void flushWakes() {
    // Indexed from the start: the order of the wakes is the order the call made them.
    for (int i = 0; i < wakeCount; i++) {
      Process p = wakes[i];
      Cpu target = wakeTargets[i];
      wakes[i] = null;
      wakeTargets[i] = null;
      if (target == null) {
        p.markWokenHere(); // a caller waiting on its own CPU (Scheduler.makeReady)
      } else {
        cpu.scheduler().enqueue(p, target, wakeFront[i], cpu);
      }
    }
    wakeCount = 0;
  }

  /** Locks held: the objects' words, and this CPU's own lock as one. */
  public int heldCount() {
    return domainHeld ? count + 1 : count;
  }
}
