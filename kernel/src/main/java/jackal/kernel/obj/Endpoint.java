package jackal.kernel.obj;

import jackal.kernel.cap.Capability;
import jackal.kernel.sched.Cpu;
import jackal.kernel.sched.Scheduler;
import jackal.kernel.sched.StallQueue;
import java.util.List;

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

  /**
   * Senders waiting because the endpoint has no recipient: made when the first one waits (an
   * endpoint with a recipient never needs it: issue 10, scale), then kept. Under the endpoint's
   * lock, only through {@link #waiters()}, {@link #wakeWaiters} and {@link #waitingSenders}.
   */
  private StallQueue waiters;

  public Endpoint(long oid) {
    super(oid);
  }

  /** The queue senders wait on for a recipient, made now if none has waited before. */
  public StallQueue waiters() {
    StallQueue q = waiters;
    if (q == null) {
      q = new StallQueue(this);
      waiters = q;
    }
    return q;
  }

  /** Whether a sender has ever waited on this endpoint (it has a queue of its own). */
  public boolean hasWaiters() {
    return waiters != null;
  }

  /** Makes every sender waiting on this endpoint ready again; nothing if none ever waited. */
  public void wakeWaiters(Scheduler scheduler, Cpu from) {
    StallQueue q = waiters;
    if (q != null) {
      q.wakeAll(scheduler, from);
    }
  }

  /** The senders waiting on this endpoint, first first (read under its lock). */
  public List<Process> waitingSenders() {
    StallQueue q = waiters;
    return q == null ? List.of() : q.members();
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
