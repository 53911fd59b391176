package jackal.kernel.obj;

import jackal.kernel.cap.Capability;
import jackal.kernel.sched.StallQueue;

/**
 * An endpoint: the object Entry capabilities name. It carries the endpoint ID that receivers are
 * told, the protected payload that a payload-match endpoint compares against, and the recipient
 * process.
 */
public final class Endpoint extends KObject {
  /** Payload match: once set, never cleared. */
  public boolean pm;

  /** The current protected payload (unsigned 32 bits in an int). */
  public int protPayload;

  public long endpointID;

  /** A Process capability or Null. */
  public Capability recipient = Capability.NULL;

  /** Senders waiting because the endpoint has no recipient. */
  public final StallQueue waiters = new StallQueue(this);

  public Endpoint(long oid) {
    super(oid);
  }

  @Override
  public int obType() {
    return ObType.ENDPOINT;
  }

  @Override
  public void clearContent() {
    pm = false;
    protPayload = 0;
    endpointID = 0;
    recipient = Capability.NULL;
  }
}
