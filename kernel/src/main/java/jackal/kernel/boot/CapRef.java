package jackal.kernel.boot;

import jackal.kernel.cap.Capability;

/** A capability value held by image-building code, to be placed into a process or object. */
public final class CapRef {
  final Capability cap;

  CapRef(Capability cap) {
    this.cap = cap;
  }

  public int type() {
    return cap.type;
  }

  @Override
  public String toString() {
    return cap.toString();
  }
}
