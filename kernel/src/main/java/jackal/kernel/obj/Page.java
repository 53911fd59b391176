package jackal.kernel.obj;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** A data page: {@link #SIZE} bytes. */
public final class Page extends KObject {
  public static final int SIZE_BITS = 12;
  public static final int SIZE = 1 << SIZE_BITS;

  public final byte[] bytes = new byte[SIZE];

  /**
   * Counts the occasions on which the page's bytes could have changed: every writer calls {@link
   * #noteWrite} before it writes (a walk for a store; a translation cache entry that allows stores,
   * once when it is filled, for all the stores made through it until the memory epoch moves). The
   * program loader recognises an image it verified by its pages and these counts instead of reading
   * and hashing the bytes again.
   */
  private volatile long writes;

  private static final VarHandle WRITES;
  private static final VarHandle COW;

  static {
    try {
      WRITES = MethodHandles.lookup().findVarHandle(Page.class, "writes", long.class);
      COW = MethodHandles.lookup().findVarHandle(Page.class, "cow", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Records that the bytes may change from now on; call before writing them. */
  public void noteWrite() {
    if (cow == CUT_PENDING) {
      copyForCut();
    }
    markDirty();
    WRITES.getAndAdd(this, 1L);
  }

  // ---- copy-on-write for a checkpoint being written (issue 12)

  private static final Object CUT_PENDING = new Object();

  /**
   * Null, {@link #CUT_PENDING} while a checkpoint's cut holds these bytes and has not written them
   * yet, or the bytes as they were at the cut, copied by the first writer after it.
   */
  private volatile Object cow;

  /**
   * Marks the bytes as they are now as the checkpoint's (called at a cut, every CPU parked): the
   * first writer after it copies them before writing ({@link #noteWrite}).
   */
  public void markForCut() {
    // A plain store: the CPUs are held, and releasing them (a monitor) publishes it to every
    // writer; a volatile store would add a full fence per page to the pause.
    COW.set(this, CUT_PENDING);
  }

  private synchronized void copyForCut() {
    if (cow == CUT_PENDING) {
      cow = bytes.clone();
    }
  }

  /**
   * The bytes as they were at the cut: the copy a writer made, else the live bytes (unchanged since
   * the cut: a writer would have copied them first, and one that comes now waits for this). Clears
   * the mark.
   */
  public synchronized byte[] takeCut() {
    Object c = cow;
    // Copied before the mark is cleared: a writer that sees the mark clear writes at once, without
    // waiting for this monitor.
    byte[] out = c instanceof byte[] b ? b : bytes.clone();
    cow = null;
    return out;
  }

  /**
   * Gives {@code to} the bytes as they were at the cut, then clears the mark, as {@link #takeCut}
   * but without a copy of the page when no writer made one: the live bytes are passed under this
   * page's monitor, which a writer's {@link #noteWrite} waits for while the mark is set. {@code to}
   * must only read them, and not keep them.
   */
  public synchronized void passCut(java.util.function.Consumer<byte[]> to) {
    Object c = cow;
    to.accept(c instanceof byte[] b ? b : bytes);
    cow = null;
  }

  /** Drops a cut's mark without taking the bytes (the checkpoint was abandoned). */
  public synchronized void dropCut() {
    cow = null;
  }

  /** The write count: equal counts at two times mean no writer came between. */
  public long writes() {
    return writes;
  }

  public Page(long oid) {
    super(oid);
  }

  @Override
  public int obType() {
    return ObType.PAGE;
  }

  @Override
  public void clearContent() {
    noteWrite();
    java.util.Arrays.fill(bytes, (byte) 0);
  }
}
