package jackal.kernel.obj;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The header every kernel object shares: its OID, its allocation count and its lock.
 *
 * <p>The lock belongs to the transaction (one per CPU) that took it. It is held from the moment a
 * system call prepares the object until the call completes or is abandoned, and is never waited
 * for while other locks are held: a transaction that meets a held lock abandons and re-runs.
 */
public abstract class KObject {
  /** The count a retired object carries: no capability can match it. */
  public static final long RETIRED = -1L;

  private static final VarHandle OWNER;

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(KObject.class, "owner", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  public final long oid;

  /**
   * The allocation count. Capabilities whose count differs are invalid. Changed only under the
   * lock; {@link #RETIRED} once the OID can never be used again.
   */
  public long allocCount;

  @SuppressWarnings("unused") // accessed through OWNER
  private volatile Object owner;

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

  /** Tries once to take the lock for {@code txn}; true if it now holds it (perhaps already did). */
  public final boolean tryLock(Object txn) {
    Object o = OWNER.getOpaque(this);
    if (o == txn) {
      return true;
    }
    return o == null && OWNER.compareAndSet(this, null, txn);
  }

  public final boolean isLockedBy(Object txn) {
    return OWNER.getOpaque(this) == txn;
  }

  /** Whether the lock is free now; a hint only. */
  public final boolean looksUnlocked() {
    return OWNER.getOpaque(this) == null;
  }

  public final void unlock() {
    OWNER.setRelease(this, null);
  }
}
