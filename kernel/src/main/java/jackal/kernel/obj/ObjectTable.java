package jackal.kernel.obj;

import jackal.kernel.api.CapType;
import jackal.kernel.cap.OidLayout;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * All kernel objects, found by (type, OID): each type has its own OID namespace, as in Coyotos.
 *
 * <p>Every OID below a type's bound exists in principle: looking one up that was never touched
 * makes a fresh, zeroed object with count 0, the way a Coyotos range hands out storage. A retired
 * object stays in the table for good with the count {@link KObject#RETIRED}, so its OID is never
 * handed out again.
 */
public final class ObjectTable {
  private final OidLayout layout;
  private final long[] bound = new long[ObType.COUNT];
  private final AtomicLong[] nextFresh = new AtomicLong[ObType.COUNT];

  @SuppressWarnings({"unchecked", "rawtypes"})
  private final ConcurrentHashMap<Long, KObject>[] byOid = new ConcurrentHashMap[ObType.COUNT];

  public ObjectTable(OidLayout layout, long oidsPerType) {
    this.layout = layout;
    long b = layout.oidBits == 64 ? oidsPerType : Math.min(oidsPerType, layout.maxOid + 1);
    for (int t = 0; t < ObType.COUNT; t++) {
      bound[t] = b;
      nextFresh[t] = new AtomicLong();
      byOid[t] = new ConcurrentHashMap<>();
    }
  }

  public OidLayout layout() {
    return layout;
  }

  /** The number of OIDs of each type this table backs: valid OIDs are [0, bound). */
  public long bound(int obType) {
    return bound[obType];
  }

  public boolean inRange(int obType, long oid) {
    return oid >= 0 && oid < bound[obType];
  }

  /** The object with this type and OID, made fresh if never used; null if out of range. */
  public KObject get(int obType, long oid) {
    if (!inRange(obType, oid)) {
      return null;
    }
    KObject o = byOid[obType].get(oid);
    return o != null ? o : byOid[obType].computeIfAbsent(oid, k -> make(obType, k));
  }

  /** The object if it has ever been used, else null. */
  public KObject peek(int obType, long oid) {
    return byOid[obType].get(oid);
  }

  /**
   * A never-used object of the given type with the lowest OID not yet handed out this way. Used
   * when building an image; retired OIDs are never returned since they have been used.
   */
  public KObject allocateFresh(int obType) {
    for (; ; ) {
      long oid = nextFresh[obType].getAndIncrement();
      if (!inRange(obType, oid)) {
        throw new IllegalStateException("no " + ObType.name(obType) + " OIDs left");
      }
      KObject fresh = make(obType, oid);
      if (byOid[obType].putIfAbsent(oid, fresh) == null) {
        return fresh;
      }
    }
  }

  /** The next OID {@link #allocateFresh} tries for this type. */
  public long nextFresh(int obType) {
    return nextFresh[obType].get();
  }

  /** Sets the next OID {@link #allocateFresh} tries (when loading an image). */
  public void setNextFresh(int obType, long oid) {
    nextFresh[obType].set(oid);
  }

  /** Number of objects of a type that have been materialized. */
  public int resident(int obType) {
    return byOid[obType].size();
  }

  public Iterable<KObject> all(int obType) {
    return byOid[obType].values();
  }

  /** The object type a capability type code names, or -1 for non-object capabilities. */
  public static int obTypeOfCap(int capType) {
    return switch (capType) {
      case CapType.PAGE -> ObType.PAGE;
      case CapType.CAP_PAGE -> ObType.CAP_PAGE;
      case CapType.GPT -> ObType.GPT;
      case CapType.PROCESS -> ObType.PROCESS;
      case CapType.ENDPOINT, CapType.ENTRY, CapType.APP_NOTICE -> ObType.ENDPOINT;
      default -> -1;
    };
  }

  /**
   * A full-strength capability to {@code o} of the type that names its object type; memory
   * capabilities get l2g = page bits and a zero match, as Range makes them.
   */
  public static jackal.kernel.cap.Capability fullCap(KObject o) {
    return switch (o.obType()) {
      case ObType.PAGE -> jackal.kernel.cap.Capability.object(CapType.PAGE, 0, Page.SIZE_BITS, o);
      case ObType.CAP_PAGE ->
          jackal.kernel.cap.Capability.object(CapType.CAP_PAGE, 0, Page.SIZE_BITS, o);
      case ObType.GPT -> jackal.kernel.cap.Capability.object(CapType.GPT, 0, Page.SIZE_BITS, o);
      case ObType.PROCESS -> jackal.kernel.cap.Capability.object(CapType.PROCESS, 0, 0, o);
      default -> jackal.kernel.cap.Capability.object(CapType.ENDPOINT, 0, 0, o);
    };
  }

  /** Resolves the object an object capability names, for decoding. */
  public KObject resolve(int capType, long oid) {
    int t = obTypeOfCap(capType);
    return t < 0 ? null : get(t, oid);
  }

  private static KObject make(int obType, long oid) {
    return switch (obType) {
      case ObType.PAGE -> new Page(oid);
      case ObType.CAP_PAGE -> new CapPage(oid);
      case ObType.GPT -> new Gpt(oid);
      case ObType.PROCESS -> new Process(oid);
      case ObType.ENDPOINT -> new Endpoint(oid);
      default -> throw new IllegalArgumentException("object type " + obType);
    };
  }
}
