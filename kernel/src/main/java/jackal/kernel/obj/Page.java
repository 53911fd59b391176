package jackal.kernel.obj;

/** A data page: {@link #SIZE} bytes. */
public final class Page extends KObject {
  public static final int SIZE_BITS = 12;
  public static final int SIZE = 1 << SIZE_BITS;

  public final byte[] bytes = new byte[SIZE];

  public Page(long oid) {
    super(oid);
  }

  @Override
  public int obType() {
    return ObType.PAGE;
  }

  @Override
  public void clearContent() {
    java.util.Arrays.fill(bytes, (byte) 0);
  }
}
