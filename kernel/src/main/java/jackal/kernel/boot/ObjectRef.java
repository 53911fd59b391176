package jackal.kernel.boot;

/**
 * A kernel object named by the code that builds an image. It grants nothing to a program: only the
 * {@link Kernel} that made it can act on it, and only from outside the running processes.
 */
public final class ObjectRef {
  final jackal.kernel.obj.KObject object;

  ObjectRef(jackal.kernel.obj.KObject object) {
    this.object = object;
  }

  /** The object's type in the Range numbering (Page 0 ... Endpoint 4). */
  public int obType() {
    return object.obType();
  }

  public long oid() {
    return object.oid;
  }

  @Override
  public String toString() {
    return jackal.kernel.obj.ObType.name(object.obType()) + "#" + object.oid;
  }
}
