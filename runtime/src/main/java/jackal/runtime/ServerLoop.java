package jackal.runtime;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import java.util.HashMap;
import java.util.Map;

/**
 * The Coyotos server loop: one trap per request that replies to the previous caller (through
 * RETURN, non-blocking, so a caller that went away cannot stall the server) and waits for the next
 * request, with the request's capabilities arriving in RETURN and ARG0-2.
 *
 * <p>The implementation serving a request is chosen by the endpoint ID it came through (one
 * endpoint per object) and, where registered, by the protected payload of the capability the caller
 * invoked (facets, rights). A request sent without capabilities carries no reply capability and is
 * dropped, as in Coyotos. An unknown object answers UnknownRequest; a handler that throws {@link
 * KernelException} answers with its code.
 */
public final class ServerLoop {
  /** Serves one request: reads {@code ipc.w}, writes the answer through {@code reply}. */
  @FunctionalInterface
  public interface Handler {
    void serve(Ipc ipc, Reply reply) throws KernelException;
  }

  /** What the handler answers: data words 1..ldw of the block and capabilities 0..lastCap. */
  public static final class Reply {
    int ldw;
    int lastCap;
    boolean exception;

    /** An answer of no words; the server loop keeps one and resets it for each request. */
    public Reply() {}

    /** Answers with {@code ipc.w[1..ldw]} and no capabilities. */
    public void words(int ldw) {
      this.ldw = ldw;
      this.lastCap = -1;
      this.exception = false;
    }

    /**
     * Answers with an exception carrying fields: its code in {@code ipc.w[1]}, its fields in {@code
     * ipc.w[2..ldw]} (throwing {@link KernelException} sends the code alone).
     */
    public void exception(int ldw) {
      this.ldw = ldw;
      this.lastCap = -1;
      this.exception = true;
    }

    /**
     * Answers with {@code ipc.w[1..ldw]} and the capabilities at the locations in send slots {@code
     * 0..lastCap} of the block.
     */
    public void wordsAndCaps(int ldw, int lastCap) {
      this.ldw = ldw;
      this.lastCap = lastCap;
      this.exception = false;
    }

    /** The last data word of the answer. */
    public int ldw() {
      return ldw;
    }

    /** The last send slot of the answer that holds a capability (-1: none). */
    public int lastCap() {
      return lastCap;
    }

    /** True if the answer is an exception (code in {@code ipc.w[1]}). */
    public boolean isException() {
      return exception;
    }
  }

  /**
   * Chooses the handler of a request from {@code ipc} (its endpoint ID, payload, words) for servers
   * whose objects come and go while they run, or null for none (answered UnknownRequest).
   */
  @FunctionalInterface
  public interface Router {
    Handler route(Ipc ipc);
  }

  private final Ipc ipc;
  private final Map<Long, Handler> byEndpoint = new HashMap<>();
  private final Map<Long, Map<Long, Handler>> byEndpointAndPayload = new HashMap<>();
  private final Reply reply = new Reply();

  /** Null: none (no lambda here: a lambda object cannot be captured at a checkpoint yet). */
  private Router router;

  private boolean answeredElsewhere;

  public ServerLoop(Ipc ipc) {
    this.ipc = ipc;
  }

  /** Serves requests arriving through endpoints with ID {@code endpointId}. */
  public ServerLoop register(long endpointId, Handler h) {
    byEndpoint.put(endpointId, h);
    return this;
  }

  /** Serves requests through {@code endpointId} whose capability carries {@code payload}. */
  public ServerLoop register(long endpointId, long payload, Handler h) {
    byEndpointAndPayload.computeIfAbsent(endpointId, k -> new HashMap<>()).put(payload, h);
    return this;
  }

  /** Serves requests that no registered handler serves with the one {@code router} chooses. */
  public ServerLoop route(Router router) {
    this.router = router;
    return this;
  }

  /**
   * Says that the request being served was answered some other way, or will be answered later
   * (through a reply capability the server kept): the loop sends nothing back and only receives. A
   * generated skeleton sets its answer after the implementation returns, so this is a mark on the
   * loop, not on the {@link Reply}.
   */
  public void answeredElsewhere() {
    answeredElsewhere = true;
  }

  /** Runs forever. */
  public void run() {
    ipc.receive();
    for (; ; ) {
      if ((ipc.w[ParameterBlock.ICW] & Icw.SC) == 0) {
        ipc.receive(); // no reply capability: nobody to answer
        continue;
      }
      Handler h = handlerFor(ipc.endpointId(), ipc.payload());
      if (h == null) {
        ipc.replyExceptionAndReceive(Codes.RC_UNKNOWN_REQUEST);
        continue;
      }
      reply.words(0);
      answeredElsewhere = false;
      try {
        h.serve(ipc, reply);
      } catch (KernelException e) {
        ipc.replyExceptionAndReceive(e.code());
        continue;
      }
      if (answeredElsewhere) {
        ipc.receive();
      } else if (reply.exception) {
        ipc.replyExceptionWordsAndReceive(reply.ldw);
      } else {
        ipc.replyAndReceive(reply.ldw, reply.lastCap);
      }
    }
  }

  private Handler handlerFor(long endpointId, long payload) {
    Map<Long, Handler> facets = byEndpointAndPayload.get(endpointId);
    if (facets != null) {
      Handler h = facets.get(payload);
      if (h != null) {
        return h;
      }
    }
    Handler h = byEndpoint.get(endpointId);
    return h != null || router == null ? h : router.route(ipc);
  }
}
