package jackal.kernel.obj;

import jackal.kernel.cap.Capability;

/**
 * A guarded page table: 16 capability slots, each spanning 2^l2v bytes of address. With {@code ha}
 * set, slot 15 holds the region's memory handler; with {@code bg} set, slot 14 holds the background
 * space.
 */
public final class Gpt extends KObject {
  public static final int SLOTS = 16;
  public static final int HANDLER_SLOT = 15;
  public static final int BACKGROUND_SLOT = 14;

  public int l2v;
  public boolean ha;
  public boolean bg;
  public final Capability[] slots = new Capability[SLOTS];

  public Gpt(long oid) {
    super(oid);
    clearContent();
  }

  @Override
  public int obType() {
    return ObType.GPT;
  }

  @Override
  public void clearContent() {
    java.util.Arrays.fill(slots, Capability.NULL);
    l2v = Page.SIZE_BITS;
    ha = false;
    bg = false;
  }
}
