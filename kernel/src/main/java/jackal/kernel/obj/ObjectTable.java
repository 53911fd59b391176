package jackal.kernel.obj;

import jackal.kernel.api.CapType;
import jackal.kernel.cap.OidLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * All kernel objects, found by (type, OID): each type has its own OID namespace, as in Coyotos.
 *
 * <p>Every OID below a type's bound exists in principle: looking one up that was never touched
 * makes a fresh, zeroed object with count 0, the way a Coyotos range hands out storage. A retired
 * object stays in the table for good with the count {@link KObject#RETIRED}, so its OID is never
 * handed out again.
 *
 * <p>Layout (what an object costs the table): OIDs below {@link #DENSE_OIDS} are slots of chunks of
 * {@link #CHUNK} references, made when the first OID in them is used, found through a directory
 * array per type; a slot is 4 bytes (compressed references), against some 53 bytes for an entry of
 * a hash map keyed by a boxed OID (its node, the boxed key and its share of the table). Image
 * building hands out OIDs from 0 and the space bank from the top of its half of the range down, so
 * chunks fill densely from both ends. OIDs from {@link #DENSE_OIDS} up (only when a kernel is
 * configured with more than 2^30 OIDs of a type) live in a concurrent hash map. Lookups take no
 * lock: a chunk and a slot are each set once, by compare-and-set.
 */
public final class ObjectTable {
  /** OIDs in the chunked part; higher ones are in the map. */
  static final long DENSE_OIDS = 1L << 30;

  private static final int CHUNK_BITS = 10;

  /** Objects per chunk. */
  static final int CHUNK = 1 << CHUNK_BITS;

  private static final VarHandle CHUNKS = MethodHandles.arrayElementVarHandle(KObject[][].class);
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(KObject[].class);

  private final OidLayout layout;
  private final long[] bound = new long[ObType.COUNT];
  private final AtomicLong[] nextFresh = new AtomicLong[ObType.COUNT];

  /** Per type: chunk {@code oid >>> CHUNK_BITS} of the dense part, or null until first used. */
  private final KObject[][][] chunks = new KObject[ObType.COUNT][][];

  /** Per type: objects whose OID is at least {@link #DENSE_OIDS}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private final ConcurrentHashMap<Long, KObject>[] sparse = new ConcurrentHashMap[ObType.COUNT];

  private final LongAdder[] resident = new LongAdder[ObType.COUNT];

  private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[][].class);

  /**
   * Change marks (issue 12), per type: per chunk of the dense part, one bit per slot, set when the
   * object there is marked dirty ({@link KObject#markDirty}); made with the chunk's first mark.
   */
  private final long[][][] marks = new long[ObType.COUNT][][];

  /** Per type: one bit per chunk that may hold a set mark, so a cut skips the others. */
  private final long[][] markedChunks = new long[ObType.COUNT][];

  /** Per type: the marked objects of the sparse part (only with more than 2^30 OIDs a type). */
  private final java.util.Set<KObject>[] sparseMarked;

  @SuppressWarnings({"unchecked", "rawtypes"})
  public ObjectTable(OidLayout layout, long oidsPerType) {
    this.layout = layout;
    this.sparseMarked = new java.util.Set[ObType.COUNT];
    long b = layout.oidBits == 64 ? oidsPerType : Math.min(oidsPerType, layout.maxOid + 1);
    long dense = Math.min(b, DENSE_OIDS);
    for (int t = 0; t < ObType.COUNT; t++) {
      bound[t] = b;
      nextFresh[t] = new AtomicLong();
      chunks[t] = new KObject[(int) ((dense + CHUNK - 1) >>> CHUNK_BITS)][];
      sparse[t] = new ConcurrentHashMap<>();
      resident[t] = new LongAdder();
      marks[t] = new long[chunks[t].length][];
      markedChunks[t] = new long[(chunks[t].length + 63) >>> 6];
      sparseMarked[t] = ConcurrentHashMap.newKeySet();
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
    KObject o = peek(obType, oid);
    return o != null ? o : install(obType, make(obType, oid));
  }

  /** The object if it has ever been used, else null. */
  public KObject peek(int obType, long oid) {
    if (oid < 0) {
      return null;
    }
    if (oid >= DENSE_OIDS) {
      return sparse[obType].get(oid);
    }
    KObject[][] dir = chunks[obType];
    int c = (int) (oid >>> CHUNK_BITS);
    if (c >= dir.length) {
      return null;
    }
    KObject[] chunk = (KObject[]) CHUNKS.getAcquire(dir, c);
    return chunk == null ? null : (KObject) SLOTS.getAcquire(chunk, (int) oid & (CHUNK - 1));
  }

  /**
   * Puts {@code fresh} at its OID unless an object is there already; returns the object that is
   * there now (so {@code fresh} if it went in).
   */
  private KObject install(int obType, KObject fresh) {
    long oid = fresh.oid;
    fresh.table = this; // before it is published: a marker that finds it reaches the marks
    KObject there;
    if (oid >= DENSE_OIDS) {
      there = sparse[obType].putIfAbsent(oid, fresh);
    } else {
      KObject[][] dir = chunks[obType];
      int c = (int) (oid >>> CHUNK_BITS);
      KObject[] chunk = (KObject[]) CHUNKS.getAcquire(dir, c);
      if (chunk == null) {
        KObject[] made = new KObject[CHUNK];
        KObject[] won = (KObject[]) CHUNKS.compareAndExchangeRelease(dir, c, null, made);
        chunk = won == null ? made : won;
      }
      there =
          (KObject) SLOTS.compareAndExchangeRelease(chunk, (int) oid & (CHUNK - 1), null, fresh);
    }
    if (there != null) {
      return there;
    }
    resident[obType].increment();
    noteDirty(fresh); // born dirty: the next cut takes it
    return fresh;
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
      if (install(obType, fresh) == fresh) {
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
    return (int) Math.min(Integer.MAX_VALUE, resident[obType].sum());
  }

  /**
   * Every object of the type ever used, in OID order for the chunked part (then the others); weakly
   * consistent, like a concurrent map's view: objects made meanwhile may or may not be seen.
   */
  public Iterable<KObject> all(int obType) {
    return () -> new Resident(chunks[obType], sparse[obType].values().iterator());
  }

  /** Walks the chunks slot by slot, then the sparse map. */
  private static final class Resident implements Iterator<KObject> {
    private final KObject[][] dir;
    private final Iterator<KObject> rest;
    private int c;
    private int s;
    private KObject next;

    Resident(KObject[][] dir, Iterator<KObject> rest) {
      this.dir = dir;
      this.rest = rest;
      advance();
    }

    private void advance() {
      next = null;
      while (c < dir.length) {
        KObject[] chunk = (KObject[]) CHUNKS.getAcquire(dir, c);
        if (chunk != null) {
          while (s < CHUNK) {
            KObject o = (KObject) SLOTS.getAcquire(chunk, s++);
            if (o != null) {
              next = o;
              return;
            }
          }
        }
        c++;
        s = 0;
      }
      if (rest.hasNext()) {
        next = rest.next();
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public KObject next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      KObject o = next;
      advance();
      return o;
    }
  }

  // ------------------------------------------------------------------ change marks (issue 12)

  /**
   * Sets {@code o}'s change mark (its {@code dirty} flag went from clear to set). Called once per
   * object between two cuts, never again while the flag stays set: the shared words written here
   * are written at most once per object per checkpoint interval, not on every system call.
   */
  void noteDirty(KObject o) {
    int t = o.obType();
    long oid = o.oid;
    if (oid >= DENSE_OIDS) {
      sparseMarked[t].add(o);
      return;
    }
    int c = (int) (oid >>> CHUNK_BITS);
    long[] words = (long[]) BITS.getAcquire(marks[t], c);
    if (words == null) {
      long[] made = new long[CHUNK >>> 6];
      long[] won = (long[]) BITS.compareAndExchangeRelease(marks[t], c, null, made);
      words = won == null ? made : won;
    }
    int slot = (int) oid & (CHUNK - 1);
    WORDS.getAndBitwiseOr(words, slot >>> 6, 1L << slot);
    // The chunk's summary bit after the slot's bit: a cut clears the summary before it reads the
    // chunk, so a mark is either seen by this cut or leaves the summary set for the next.
    long[] summary = markedChunks[t];
    long bit = 1L << c;
    if (((long) WORDS.getVolatile(summary, c >>> 6) & bit) == 0) {
      WORDS.getAndBitwiseOr(summary, c >>> 6, bit);
    }
  }

  /**
   * Takes the change marks of type {@code obType}, clearing them, and gives {@code each} every
   * object that had one (the dense part in OID order, then the sparse part). The cost is the number
   * of marked objects plus one bit per chunk, not the size of the table. A mark set meanwhile is
   * either given here or kept for the next call.
   */
  public void takeMarked(int obType, java.util.function.Consumer<KObject> each) {
    long[] summary = markedChunks[obType];
    KObject[][] dir = chunks[obType];
    long[][] bits = marks[obType];
    for (int w = 0; w < summary.length; w++) {
      if ((long) WORDS.getVolatile(summary, w) == 0) {
        continue;
      }
      long chunkBits = (long) WORDS.getAndSet(summary, w, 0L);
      while (chunkBits != 0) {
        int c = (w << 6) + Long.numberOfTrailingZeros(chunkBits);
        chunkBits &= chunkBits - 1;
        long[] words = (long[]) BITS.getAcquire(bits, c);
        KObject[] chunk = (KObject[]) CHUNKS.getAcquire(dir, c);
        if (words == null || chunk == null) {
          continue;
        }
        for (int i = 0; i < words.length; i++) {
          if ((long) WORDS.getVolatile(words, i) == 0) {
            continue;
          }
          long set = (long) WORDS.getAndSet(words, i, 0L);
          while (set != 0) {
            int slot = (i << 6) + Long.numberOfTrailingZeros(set);
            set &= set - 1;
            KObject o = (KObject) SLOTS.getAcquire(chunk, slot);
            if (o != null) {
              each.accept(o);
            }
          }
        }
      }
    }
    java.util.Set<KObject> sparseSet = sparseMarked[obType];
    if (!sparseSet.isEmpty()) {
      for (java.util.Iterator<KObject> it = sparseSet.iterator(); it.hasNext(); ) {
        KObject o = it.next();
        it.remove();
        each.accept(o);
      }
    }
  }

  /** How many objects of the type have a change mark set now (for tests and figures). */
  public int markedCount(int obType) {
    int n = sparseMarked[obType].size();
    for (long[] words : marks[obType]) {
      if (words != null) {
        for (int i = 0; i < words.length; i++) {
          n += Long.bitCount((long) WORDS.getVolatile(words, i));
        }
      }
    }
    return n;
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
