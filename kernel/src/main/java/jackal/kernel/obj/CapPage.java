package jackal.kernel.obj;

import jackal.kernel.cap.Capability;

/** A capability page: a page's worth of 16-byte capability slots. */
public final class CapPage extends KObject {
  public static final int SLOTS = Page.SIZE / 16;

  public final Capability[] slots = new Capability[SLOTS];

  public CapPage(long oid) {
    super(oid);
    clearContent();
  }

  @Override
  public int obType() {
    return ObType.CAP_PAGE;
  }

  @Override
  public void clearContent() {
    java.util.Arrays.fill(slots, Capability.NULL);
  }
}
