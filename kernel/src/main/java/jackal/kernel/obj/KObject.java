package jackal.kernel.obj;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The header every kernel object shares: its OID, its allocation count and its lock.
 *
 * <p>The lock belongs to the transaction (one per CPU) that took it. It is held from the moment a
 * system call prepares the object until the call completes or is abandoned, and is never waited for
 * while other locks are held: a transaction that meets a held lock abandons and re-runs.
 */
public abstract class KObject {
  /** The count a retired object carries: no capability can match it. */
  public static final long RETIRED = -1L;

  private static final VarHandle OWNER;

  private static final VarHandle DOMAIN;

  /** Lock owner IDs: 0 means free. Each CPU's transaction and each other locker has its own. */
  private static final java.util.concurrent.atomic.AtomicInteger NEXT_OWNER =
      new java.util.concurrent.atomic.AtomicInteger(1);

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(KObject.class, "owner", int.class);
      DOMAIN = MethodHandles.lookup().findVarHandle(KObject.class, "domain", byte.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * A new lock owner ID. The owner is an int rather than a reference so that taking and releasing a
   * lock is a plain CAS and store, with no garbage-collector write barrier on the hot path.
   */
  public static int newOwnerId() {
    return NEXT_OWNER.getAndIncrement();
  }

  public final long oid;

  /**
   * The allocation count. Capabilities whose count differs are invalid. Changed only under the
   * lock; {@link #RETIRED} once the OID can never be used again.
   */
  public long allocCount;

  @SuppressWarnings("unused") // accessed through OWNER
  private volatile int owner;

  /**
   * Set when the object may have changed since the last checkpoint took it (issue 12): by every
   * transaction that locks it ({@code Transaction.lock}), by the boot API's writes, and for a page
   * by every writer's {@code noteWrite}, all through {@link #markDirty}. Cleared by the
   * checkpointer when a cut takes the object. A new object starts dirty, so the checkpoint after it
   * is made writes it.
   *
   * <p>The mark going from clear to set also sets the object's bit in its table's change marks
   * ({@link ObjectTable#takeMarked}), so that a cut finds the changed objects without walking the
   * table. Once set, marking again is one load and a branch: no write, nothing shared.
   */
  private boolean dirty = true;

  /** The table whose change marks this object's bit is in; null for an object outside a table. */
  ObjectTable table;

  /**
   * Whose lock guards this object (docs/DESIGN-NOTES.md, "What the locks cost"): 0 while no CPU's
   * transaction has locked it yet, {@code c + 1} once CPU {@code c}'s has (its transactions then
   * take their CPU's own lock, once per transaction, instead of this object's word), {@link
   * #SHARED} once another CPU's transaction has locked it since, until one CPU's transactions lock
   * it {@code Transaction.REJOIN_AFTER} times in a row (it then joins that CPU's domain again), and
   * 0 again once a locker outside the CPUs (a checkpoint, a view, the kernel timer) has. Written
   * only by a holder of the lock that guards it ({@code Transaction}); read without one only as a
   * hint, checked again under the lock.
   */
  @SuppressWarnings("unused") // through DOMAIN
  private byte domain;

  /**
   * Of a {@link #SHARED} object: the {@link #domain()} tag of the CPU whose transaction locked it
   * last, and how many times in a row that CPU's transactions have ({@link #lockRun}). Plain bytes,
   * read and written only by a CPU's transaction holding the object's word; they fill the header's
   * gap beside {@link #domain}, so no object grows.
   */
  private byte runCpu;

  private byte runLength;

  /** {@link #domain()} of an object every locker locks by its own word. */
  public static final int SHARED = -1;

  /**
   * Records that the object may change from now on (its lock held, or every CPU held, or on the
   * boot API's thread holding its lock): the next cut takes it.
   */
  public final void markDirty() {
    if (!dirty) {
      dirty = true;
      ObjectTable t = table;
      if (t != null) {
        t.noteDirty(this);
      }
    }
  }

  /**
   * Marks the object changed again whatever its mark says (a checkpoint that took it was not
   * committed): the next cut takes it.
   */
  public final void remarkDirty() {
    dirty = true;
    ObjectTable t = table;
    if (t != null) {
      t.noteDirty(this);
    }
  }

  /** Whether the object may have changed since a cut last took it. */
  public final boolean isDirty() {
    return dirty;
  }

  /** A cut took the object (its lock held): it is clean until it is marked again. */
  public final void clearDirty() {
    dirty = false;
  }

  /**
   * See {@link #domain}: 0, a CPU's number plus one, or {@link #SHARED}. An acquire load, paired
   * with the release store of {@link #setDomain}: a locker that finds an object evicted (shared, or
   * in no domain again) sees what the CPU whose domain it left wrote to it before (that CPU let its
   * own lock go, the evictor took it and then stored the new domain).
   */
  public final int domain() {
    return (byte) DOMAIN.getAcquire(this);
  }

  /**
   * Counts a lock of this shared object, its word held, by the transaction of the CPU whose domain
   * tag is {@code tag}: the length of the run of that CPU's locks in a row this one makes (1 if
   * another CPU locked it last), saturating at 127.
   */
  public final int lockRun(int tag) {
    if (runCpu == tag) {
      int n = runLength;
      if (n < Byte.MAX_VALUE) {
        runLength = (byte) ++n;
      }
      return n;
    }
    runCpu = (byte) tag;
    runLength = 1;
    return 1;
  }

  /** Sets {@link #domain}, with a release store; only under the lock that guards the object. */
  public final void setDomain(int d) {
    DOMAIN.setRelease(this, (byte) d);
  }

  protected KObject(long oid) {
    this.oid = oid;
  }

  /** The object type in the Range numbering (Page 0, CapPage 1, GPT 2, Process 3, Endpoint 4). */
  public abstract int obType();

  /** Clears the object's content to its freshly allocated state (the count is left alone). */
  public abstract void clearContent();

  public final boolean isRetired() {
    return allocCount == RETIRED;
  }

  /**
   * Tries once to take the lock for owner {@code id} (from {@link #newOwnerId}); true if it now
   * holds it (perhaps already did).
   */
  public final boolean tryLock(int id) {
    int o = (int) OWNER.getOpaque(this);
    if (o == id) {
      return true;
    }
    return o == 0 && OWNER.compareAndSet(this, 0, id);
  }

  /**
   * Tries once to take the lock for owner {@code id} with a compare-and-set alone, and returns who
   * held it before: 0 if {@code id} now holds it, {@code id} if it already did, another owner if
   * the lock is taken. One read-for-ownership of the line: a lock last taken on another CPU moves
   * here in one cache-line transfer, where a read followed by a compare-and-set moves it once
   * shared and then once more to own it.
   */
  public final int lockOrOwner(int id) {
    return (int) OWNER.compareAndExchange(this, 0, id);
  }

  public final boolean isLockedBy(int id) {
    return (int) OWNER.getOpaque(this) == id;
  }

  /** Whether the lock is free now; a hint only. */
  public final boolean looksUnlocked() {
    return (int) OWNER.getOpaque(this) == 0;
  }

  /**
   * Whether anyone holds the lock, read with a full fence against a volatile store just before (the
   * dispatcher's {@code sched} write): see {@code Cpu.dispatch}.
   */
  public final boolean lockHeld() {
    return (int) OWNER.getVolatile(this) != 0;
  }

  public final void unlock() {
    OWNER.setRelease(this, 0);
  }
}
