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

  static {
    try {
      WRITES = MethodHandles.lookup().findVarHandle(Page.class, "writes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Records that the bytes may change from now on; call before writing them. */
  public void noteWrite() {
    WRITES.getAndAdd(this, 1L);
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
