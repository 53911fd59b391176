package jackal.services.bank;

import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.INVCAP;
import static jackal.kernel.api.ParameterBlock.SNDLEN;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.Syscall;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.GPTClient;
import jackal.services.idl.coyotos.ProcessClient;
import jackal.services.idl.coyotos.ProcessIdentifyEntryResult;
import jackal.services.idl.coyotos.RangeClient;
import jackal.services.idl.coyotos.RangeIdentifyResult;
import jackal.services.idl.coyotos.RangeNextBackedSubrangeResult;
import jackal.services.idl.coyotos.SpaceBankAllocResult;
import jackal.services.idl.coyotos.SpaceBankCodes;
import jackal.services.idl.coyotos.SpaceBankLimitReachedException;
import jackal.services.idl.coyotos.SpaceBankLimits;
import jackal.services.idl.coyotos.SpaceBankServer;
import jackal.services.idl.coyotos.SpaceBankSkeleton;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The bank's server: a {@link ServerLoop} routing every bank's endpoint to the generated skeleton,
 * so that the bank a request is for (by endpoint ID) and the restrictions it carries (by payload)
 * are known to each method, and so that destroyBankAndReturn can answer someone other than the
 * caller. Every answer is sent non-blocking: a caller that does not wait for its reply loses it and
 * cannot stall the bank.
 *
 * <p>The bank keeps OIDs, not capabilities (a process has 32 registers): when it needs an object's
 * capability again (to rescind it, or to make an Entry capability to a bank's endpoint) it asks
 * Range for it. Ownership is a map per type from OID to bank, so no object is owned twice.
 */
final class BankServer implements SpaceBankServer {
  private static final int RANGE = SpaceBankProgram.RANGE;
  private static final int PRIME = SpaceBankProgram.PRIME_ENDPOINT;

  /** Where the capabilities of an answer are made: up to three results. */
  private static final int RESULT0 = CapReg.APP0 + 2;

  /** Where a bank's endpoint or an object to rescind is fetched. */
  private static final int WORK = CapReg.APP0 + 5;

  private static final int OT_INVALID = (int) Codes.OT_INVALID;
  private static final int OT_ENDPOINT = Codes.OT_ENDPOINT;
  private static final int OT_PROCESS = Codes.OT_PROCESS;
  private static final int ALL_RESTRICTIONS = SpaceBankCodes.restrictions.noRemove * 2 - 1;

  private final Ipc ipc;
  private final RangeClient range;
  private final EndpointClient endpoints;
  private final ProcessClient process;
  private final SpaceBankSkeleton skeleton = new SpaceBankSkeleton(this);
  private final LiveTree live;

  private final Storage storage = new Storage();
  private final Map<Long, Bank> banks = new HashMap<>();
  private final List<Map<Long, Bank>> owner = new ArrayList<>(Bank.TYPES);

  /** The bank and restrictions of the request being served. */
  private Bank bank;

  private int restrictions;

  /** The loop serving every bank (told when an answer goes elsewhere: destroyBankAndReturn). */
  private final ServerLoop loop;

  BankServer(SystemCalls sys) {
    this.ipc = new Ipc(sys);
    Ipc calls = new Ipc(sys);
    this.range = new RangeClient(calls);
    this.endpoints = new EndpointClient(calls);
    this.process = new ProcessClient(calls);
    this.loop = new ServerLoop(ipc).route(new Routes());
    for (int t = 0; t < Bank.TYPES; t++) {
      owner.add(new HashMap<>());
    }
    this.live = new LiveTree(sys, new GPTClient(calls), new OwnObjects());
  }

  void run() throws KernelException {
    for (int t = 0; t < Bank.TYPES; t++) {
      backRange(t);
    }
    RangeIdentifyResult prime = range.identify(loc(RANGE), loc(PRIME));
    if (prime.type() != OT_ENDPOINT) {
      throw new IllegalStateException("no prime bank endpoint in register " + PRIME);
    }
    long primeId = endpoints.getEndpointID(loc(PRIME));
    Bank primeBank = new Bank(primeId, prime.offset(), null);
    banks.put(primeId, primeBank);
    preloaded(primeBank);
    writeLiveTree(primeBank);
    loop.run();
  }

  /** Writes the whole tree into the live region: every bank (parents first) and what it owns. */
  private void writeLiveTree(Bank primeBank) {
    live.begin();
    List<Bank> order = new ArrayList<>();
    order.add(primeBank);
    for (int i = 0; i < order.size(); i++) {
      Bank b = order.get(i);
      live.bank(b);
      for (int t = 0; t < Bank.TYPES; t++) {
        for (long oid : b.owned.get(t)) {
          live.owned(t, oid, b);
        }
      }
      order.addAll(b.children);
    }
    live.end();
  }

  /**
   * Takes over the banks and objects the image made before boot, from the manifest in this
   * process's space ({@link SpaceBankProgram#MANIFEST}): the image trusted us with them, so there
   * is nothing to check but the shape.
   */
  private void preloaded(Bank primeBank) {
    SystemCalls sys = ipc.sys();
    long at = SpaceBankProgram.MANIFEST;
    if (sys.loadLong(at) != SpaceBankProgram.MANIFEST_MAGIC) {
      return;
    }
    long nBanks = sys.loadLong(at + 8);
    long nObjects = sys.loadLong(at + 16);
    at += 24;
    List<Bank> numbered = new ArrayList<>();
    numbered.add(primeBank);
    for (long i = 0; i < nBanks; i++, at += 16 + 8 * Bank.TYPES) {
      long oid = sys.loadLong(at);
      Bank parent = numbered.get((int) sys.loadLong(at + 8));
      Bank b = new Bank(oid + 1, oid, parent);
      for (int t = 0; t < Bank.TYPES; t++) {
        b.limits[t] = sys.loadLong(at + 16 + 8L * t);
      }
      parent.children.add(b);
      parent.charge(OT_ENDPOINT, 1);
      banks.put(b.epId, b);
      numbered.add(b);
    }
    for (long i = 0; i < nObjects; i++, at += 24) {
      int t = (int) sys.loadLong(at);
      long oid = sys.loadLong(at + 8);
      Bank b = numbered.get((int) sys.loadLong(at + 16));
      owner.get(t).put(oid, b);
      b.owned.get(t).add(oid);
      b.charge(t, 1);
    }
  }

  private void backRange(int t) throws KernelException {
    RangeNextBackedSubrangeResult r = range.nextBackedSubrange(loc(RANGE), 0, t);
    storage.backed(t, r.base(), r.bound());
  }

  /** The bank a request names by its endpoint ID (none: UnknownRequest), with its restrictions. */
  private ServerLoop.Handler route(Ipc request) {
    bank = banks.get(request.endpointId());
    if (bank == null) {
      return null;
    }
    restrictions = (int) request.payload();
    return skeleton;
  }

  // ------------------------------------------------------------------ objects

  @Override
  public SpaceBankAllocResult alloc(int obType1, int obType2, int obType3) throws KernelException {
    require(SpaceBankCodes.restrictions.noAlloc);
    int[] types = {obType1, obType2, obType3};
    int[] need = new int[Bank.TYPES];
    for (int ty : types) {
      if (ty != OT_INVALID) {
        if (ty < 0 || ty >= Bank.TYPES) {
          throw requestError();
        }
        need[ty]++;
      }
    }
    if (!bank.fits(need)) {
      throw new SpaceBankLimitReachedException();
    }
    long[] oids = {-1, -1, -1};
    try {
      for (int i = 0; i < 3; i++) {
        if (types[i] != OT_INVALID) {
          oids[i] = materialize(types[i], -1, RESULT0 + i);
        }
      }
    } catch (KernelException e) {
      for (int i = 0; i < 3; i++) {
        if (oids[i] >= 0) {
          range.rescind(loc(RANGE), loc(RESULT0 + i));
          storage.give(types[i], oids[i]);
        }
      }
      throw e;
    }
    long[] caps = new long[3];
    live.begin();
    for (int i = 0; i < 3; i++) {
      if (oids[i] >= 0) {
        own(types[i], oids[i]);
        caps[i] = loc(RESULT0 + i);
      } else {
        caps[i] = loc(CapReg.NULL);
      }
    }
    live.bankAndAncestors(bank);
    live.end();
    return new SpaceBankAllocResult(caps[0], caps[1], caps[2]);
  }

  @Override
  public long allocProcess(long brand) throws KernelException {
    require(SpaceBankCodes.restrictions.noAlloc);
    int[] need = new int[Bank.TYPES];
    need[OT_PROCESS] = 1;
    if (!bank.fits(need)) {
      throw new SpaceBankLimitReachedException();
    }
    long oid = materialize(OT_PROCESS, brand, RESULT0);
    live.begin();
    own(OT_PROCESS, oid);
    live.bankAndAncestors(bank);
    live.end();
    return loc(RESULT0);
  }

  /**
   * Takes a free OID of type {@code t} and puts a capability to its object in register {@code into}
   * (a process branded with the capability at {@code brand} if that is not negative). An OID whose
   * allocation count is used up is dropped for good. LimitReached when storage runs out.
   */
  private long materialize(int t, long brand, int into) throws KernelException {
    for (; ; ) {
      long oid = storage.take(t);
      if (oid < 0) {
        throw new SpaceBankLimitReachedException();
      }
      try {
        if (brand >= 0) {
          range.getProcess(loc(RANGE), oid, brand, loc(into));
        } else {
          range.getCap(loc(RANGE), oid, t, loc(into));
        }
        return oid;
      } catch (KernelException e) {
        if (e.code() != Codes.RC_RANGE_ALLOC_COUNT_ROLLOVER) {
          storage.give(t, oid);
          throw e;
        }
      }
    }
  }

  private void own(int t, long oid) {
    owner.get(t).put(oid, bank);
    bank.owned.get(t).add(oid);
    bank.charge(t, 1);
    live.owned(t, oid, bank);
  }

  @Override
  public void free(int count, long c1, long c2, long c3) throws KernelException {
    require(SpaceBankCodes.restrictions.noFree);
    if (count < 1 || count > 3) {
      throw requestError();
    }
    long[] caps = {c1, c2, c3};
    int[] types = new int[count];
    long[] oids = new long[count];
    // Every capability is checked before any object is touched: all or nothing.
    for (int i = 0; i < count; i++) {
      RangeIdentifyResult id = range.identify(loc(RANGE), caps[i]);
      types[i] = id.type();
      oids[i] = id.offset();
      if (types[i] < 0 || types[i] >= Bank.TYPES || owner.get(types[i]).get(oids[i]) != bank) {
        throw requestError();
      }
      for (int j = 0; j < i; j++) {
        if (types[j] == types[i] && oids[j] == oids[i]) {
          throw requestError(); // the same object twice would be freed twice
        }
      }
    }
    live.begin();
    try {
      for (int i = 0; i < count; i++) {
        release(bank, types[i], oids[i]);
      }
    } finally {
      live.bankAndAncestors(bank);
      live.end();
    }
  }

  /** Rescinds the object (every capability to it becomes Null) and returns its OID. */
  private void release(Bank b, int t, long oid) throws KernelException {
    range.getCap(loc(RANGE), oid, t, loc(WORK));
    range.rescind(loc(RANGE), loc(WORK));
    owner.get(t).remove(oid);
    b.owned.get(t).remove(oid);
    b.charge(t, -1);
    storage.give(t, oid);
    live.gone(t, oid);
  }

  // ------------------------------------------------------------------ banks

  @Override
  public long createChild() throws KernelException {
    require(SpaceBankCodes.restrictions.noAlloc);
    int[] need = new int[Bank.TYPES];
    need[OT_ENDPOINT] = 1;
    if (!bank.fits(need)) {
      throw new SpaceBankLimitReachedException();
    }
    long oid = materialize(OT_ENDPOINT, -1, WORK);
    long epId = oid + 1; // never 0, the ID of every process's reply endpoint
    endpoints.setRecipient(loc(WORK), loc(CapReg.SELF));
    endpoints.setEndpointID(loc(WORK), epId);
    endpoints.makeEntryCap(loc(WORK), 0, loc(RESULT0));
    Bank child = new Bank(epId, oid, bank);
    bank.children.add(child);
    bank.charge(OT_ENDPOINT, 1);
    banks.put(epId, child);
    live.begin();
    live.bankAndAncestors(child);
    live.end();
    return loc(RESULT0);
  }

  @Override
  public long reduce(int mask) throws KernelException {
    if ((mask & ~ALL_RESTRICTIONS) != 0) {
      throw requestError();
    }
    entryTo(bank, restrictions | mask, RESULT0);
    return loc(RESULT0);
  }

  /** An Entry capability to {@code b} with restrictions {@code restr}, in register {@code into}. */
  private void entryTo(Bank b, int restr, int into) throws KernelException {
    if (b.isPrime()) {
      endpoints.makeEntryCap(loc(PRIME), restr, loc(into));
    } else {
      range.getCap(loc(RANGE), b.endpointOid, OT_ENDPOINT, loc(WORK));
      endpoints.makeEntryCap(loc(WORK), restr, loc(into));
    }
  }

  @Override
  public boolean verifyBank(long candidate) throws KernelException {
    ProcessIdentifyEntryResult id = process.identifyEntry(loc(CapReg.SELF), candidate);
    return id.result() && id.isMe() && banks.containsKey(id.epID());
  }

  @Override
  public void destroy() throws KernelException {
    requireDestroyable(SpaceBankCodes.restrictions.noDestroy);
    destroyWhole(bank);
  }

  /** Destroys {@code b} and all below it, and writes the live tree's change. */
  private void destroyWhole(Bank b) throws KernelException {
    Bank parent = b.parent;
    live.begin();
    try {
      destroyBank(b);
    } finally {
      live.bankAndAncestors(parent);
      live.end();
    }
  }

  @Override
  public void destroyBankAndReturn(long rcvr, long resultCode) throws KernelException {
    requireDestroyable(SpaceBankCodes.restrictions.noDestroy);
    destroyWhole(bank);
    // The answer goes to rcvr, without waiting, instead of to the caller.
    loop.answeredElsewhere();
    boolean normal = resultCode == Codes.RC_OK;
    ipc.w[1] = resultCode;
    ipc.w[ICW] =
        Syscall.INVOKE_CAP | Icw.makeLdw(normal ? 0 : 1) | Icw.SP | Icw.NB | (normal ? 0 : Icw.EX);
    ipc.w[INVCAP] = rcvr;
    ipc.w[SNDLEN] = 0;
    ipc.sys().trap(ipc.pb);
  }

  @Override
  public void remove() throws KernelException {
    requireDestroyable(
        SpaceBankCodes.restrictions.noDestroy | SpaceBankCodes.restrictions.noRemove);
    Bank b = bank;
    Bank parent = b.parent;
    rescindEndpoint(b);
    live.begin();
    // The parent already counts everything below it; only the ownership moves.
    for (int t = 0; t < Bank.TYPES; t++) {
      for (long oid : b.owned.get(t)) {
        owner.get(t).put(oid, parent);
        parent.owned.get(t).add(oid);
        live.owned(t, oid, parent);
      }
      b.owned.get(t).clear();
      b.usage[t] = 0;
    }
    for (Bank c : b.children) {
      c.parent = parent;
      parent.children.add(c);
      live.bank(c);
    }
    b.children.clear();
    retire(b);
    live.bankAndAncestors(parent);
    live.end();
  }

  /** Destroys {@code b}'s sub-banks, then {@code b}'s objects, then {@code b}: depth first. */
  private void destroyBank(Bank b) throws KernelException {
    // Its endpoint first, so that nothing more arrives for a bank being torn down.
    rescindEndpoint(b);
    while (!b.children.isEmpty()) {
      destroyBank(b.children.get(b.children.size() - 1));
    }
    for (int t = 0; t < Bank.TYPES; t++) {
      for (Long oid : new ArrayList<>(b.owned.get(t))) {
        release(b, t, oid);
      }
    }
    retire(b);
  }

  private void rescindEndpoint(Bank b) throws KernelException {
    range.getCap(loc(RANGE), b.endpointOid, OT_ENDPOINT, loc(WORK));
    range.rescind(loc(RANGE), loc(WORK));
  }

  /**
   * Takes the (childless, empty) bank, whose endpoint is already rescinded, out of the tree and
   * gives its endpoint back.
   */
  private void retire(Bank b) {
    Bank parent = b.parent;
    parent.children.remove(b);
    parent.charge(OT_ENDPOINT, -1);
    banks.remove(b.epId);
    storage.give(OT_ENDPOINT, b.endpointOid);
    live.bankGone(b);
  }

  // ------------------------------------------------------------------ limits

  @Override
  public void setLimits(SpaceBankLimits lims) throws KernelException {
    require(SpaceBankCodes.restrictions.noChangeLimits);
    long[] l = lims.byType();
    for (int t = 0; t < Bank.TYPES; t++) {
      if (Long.compareUnsigned(bank.usage[t], l[t]) > 0) {
        throw new SpaceBankLimitReachedException();
      }
    }
    System.arraycopy(l, 0, bank.limits, 0, Bank.TYPES);
    live.begin();
    live.bank(bank);
    live.end();
  }

  @Override
  public SpaceBankLimits getLimits() throws KernelException {
    require(SpaceBankCodes.restrictions.noQueryLimits);
    return new SpaceBankLimits(bank.limits.clone());
  }

  @Override
  public SpaceBankLimits getEffectiveLimits() throws KernelException {
    require(SpaceBankCodes.restrictions.noQueryLimits);
    return new SpaceBankLimits(bank.effectiveLimits());
  }

  @Override
  public SpaceBankLimits getUsage() throws KernelException {
    require(SpaceBankCodes.restrictions.noQueryLimits);
    return new SpaceBankLimits(bank.usage.clone());
  }

  // ------------------------------------------------------------------ checks

  private void require(int forbidden) throws KernelException {
    if ((restrictions & forbidden) != 0) {
      throw new KernelException(Codes.RC_NO_ACCESS);
    }
  }

  /** The restrictions allow it and the bank is not the prime bank, which nobody may destroy. */
  private void requireDestroyable(int forbidden) throws KernelException {
    require(forbidden);
    if (bank.isPrime()) {
      throw new KernelException(Codes.RC_NO_ACCESS);
    }
  }

  private static KernelException requestError() {
    return new KernelException(Codes.RC_REQUEST_ERROR);
  }

  private static long loc(int reg) {
    return CapReg.loc(reg);
  }

  /**
   * Takes objects for the live tree's own pages through {@link #materialize}: a class, not a
   * lambda, so that the server's state can be captured at a checkpoint (a lambda object cannot be).
   */
  private final class OwnObjects implements LiveTree.Materializer {
    @Override
    public void take(int type, int into) throws KernelException {
      materialize(type, -1, into);
    }
  }

  /**
   * Routes requests to {@link #route}: a class, not a method reference, so that the server's state
   * can be captured at a checkpoint (a lambda object cannot be).
   */
  private final class Routes implements ServerLoop.Router {
    @Override
    public ServerLoop.Handler route(Ipc request) {
      return BankServer.this.route(request);
    }
  }
}
