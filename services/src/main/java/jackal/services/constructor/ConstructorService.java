package jackal.services.constructor;

import static jackal.kernel.api.ParameterBlock.SNDCAP;
import static jackal.services.constructor.ConstructorProgram.BUILD_TOOLS;
import static jackal.services.constructor.ConstructorProgram.DISCRIM;
import static jackal.services.constructor.ConstructorProgram.NEW_ENDPT;
import static jackal.services.constructor.ConstructorProgram.NEW_HANDLER;
import static jackal.services.constructor.ConstructorProgram.NEW_PROC;
import static jackal.services.constructor.ConstructorProgram.NEW_RENDPT;
import static jackal.services.constructor.ConstructorProgram.NEW_SPACE;
import static jackal.services.constructor.ConstructorProgram.PP_BRAND;
import static jackal.services.constructor.ConstructorProgram.PP_BUILDER;
import static jackal.services.constructor.ConstructorProgram.PP_CONSTRUCTOR;
import static jackal.services.constructor.ConstructorProgram.PP_VERIFIER;
import static jackal.services.constructor.ConstructorProgram.TMP;
import static jackal.services.constructor.ConstructorProgram.TOOL_DISCRIM;
import static jackal.services.constructor.ConstructorProgram.YIELD_ADDRSPACE;
import static jackal.services.constructor.ConstructorProgram.YIELD_BRAND;
import static jackal.services.constructor.ConstructorProgram.YIELD_HANDLER;
import static jackal.services.constructor.ConstructorProgram.YIELD_TOOLS;

import jackal.kernel.api.Codes;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.AddressSpaceClient;
import jackal.services.idl.coyotos.BuilderSealedException;
import jackal.services.idl.coyotos.BuilderServer;
import jackal.services.idl.coyotos.BuilderSkeleton;
import jackal.services.idl.coyotos.ConstructorClient;
import jackal.services.idl.coyotos.ConstructorServer;
import jackal.services.idl.coyotos.ConstructorSkeleton;
import jackal.services.idl.coyotos.DiscrimClient;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.MemoryCodes;
import jackal.services.idl.coyotos.ProcessClient;
import jackal.services.idl.coyotos.ProcessCodes;
import jackal.services.idl.coyotos.ProcessIdentifyEntryResult;
import jackal.services.idl.coyotos.RangeCodes;
import jackal.services.idl.coyotos.SpaceBankClient;
import jackal.services.idl.coyotos.SpaceHandlerClient;
import jackal.services.idl.coyotos.VerifierServer;
import jackal.services.idl.coyotos.VerifierSkeleton;

/**
 * One constructor: the state of its yield (brand, tools, space, PC, handler) and its three facets.
 * Its own loop around the generated skeletons, because {@code create} hands the caller's reply
 * capability to the new process and must then not answer itself.
 *
 * <p>Coyotos starts every yield in ProtoSpace, a one-page program that builds the handler and the
 * space (when they are constructors) inside the new process, then jumps to the program. A Java
 * program cannot be entered half way, and loading a second program per yield would double the cost
 * of {@code create}; so {@code create} does ProtoSpace's work itself before the yield first runs
 * (docs/DEVIATIONS.md, "Constructor (issue 9)").
 */
final class ConstructorService implements ServerLoop.Router {
  /** Slots of a capability page: the tools page holds that many tools. */
  static final int TOOL_SLOTS = 4096 / 16;

  private final Ipc ipc;
  private final Ipc calls;
  private final ProcessClient process;
  private final EndpointClient endpoints;
  private final AddressSpaceClient spaces;
  private final DiscrimClient discrim;
  private final SpaceBankClient banks;
  private final ConstructorClient constructors;
  private final SpaceHandlerClient spaceHandlers;

  private final BuilderSkeleton builder = new BuilderSkeleton(new BuilderFacet());
  private final ConstructorSkeleton constructor = new ConstructorSkeleton(new ConstructorFacet());
  private final VerifierSkeleton verifier = new VerifierSkeleton(new VerifierFacet());

  private boolean sealed;
  private boolean confined;
  private long yieldPc;

  /** The loop (told by create: the caller's reply capability went to the new process). */
  private final ServerLoop loop;

  ConstructorService(SystemCalls sys) {
    this.ipc = new Ipc(sys);
    this.calls = new Ipc(sys);
    this.process = new ProcessClient(calls);
    this.endpoints = new EndpointClient(calls);
    this.spaces = new AddressSpaceClient(calls);
    this.discrim = new DiscrimClient(calls);
    this.banks = new SpaceBankClient(calls);
    this.constructors = new ConstructorClient(calls);
    this.spaceHandlers = new SpaceHandlerClient(calls);
    // Routed by itself, not by a method reference: a lambda object cannot be captured at a
    // checkpoint yet.
    this.loop = new ServerLoop(ipc).route(this);
  }

  void run() throws KernelException {
    if (!initialize()) {
      return;
    }
    loop.run();
  }

  /**
   * A constructor built sealed at boot finds its brand already set. A new one sets itself up from
   * its bank and answers RETURN (the metaconstructor's caller) with its Builder facet; if it
   * cannot, it destroys its bank and answers RETURN with the error.
   */
  private boolean initialize() throws KernelException {
    spaces.getSlot(loc(CapReg.TOOLS), TOOL_DISCRIM, loc(DISCRIM));
    if (discrim.classify(loc(DISCRIM), loc(YIELD_BRAND)) != Codes.CL_NULL) {
      yieldPc = endpoints.getEndpointID(loc(CapReg.INITEPT));
      sealed = true;
      confined = computeConfined();
      return true;
    }
    try {
      banks.alloc(
          loc(CapReg.SPACEBANK),
          RangeCodes.obType.otCapPage,
          RangeCodes.obType.otInvalid,
          RangeCodes.obType.otInvalid,
          loc(BUILD_TOOLS),
          loc(CapReg.NULL),
          loc(CapReg.NULL));
      spaces.copyFrom(loc(BUILD_TOOLS), loc(CapReg.TOOLS), loc(CapReg.NULL));
      spaces.reduce(loc(BUILD_TOOLS), MemoryCodes.restrictions.readOnly, loc(YIELD_TOOLS));
      endpoints.makeEntryCap(loc(CapReg.INITEPT), PP_BRAND, loc(YIELD_BRAND));
      endpoints.makeEntryCap(loc(CapReg.INITEPT), PP_BUILDER, loc(CapReg.REPLY0));
    } catch (KernelException e) {
      banks.destroyBankAndReturn(loc(CapReg.SPACEBANK), loc(CapReg.RETURN), e.code());
      return false;
    }
    ipc.w[SNDCAP] = loc(CapReg.REPLY0);
    ipc.send(loc(CapReg.RETURN), 0, 0, true);
    return true;
  }

  /** The facet a request's payload names (none other: UnknownRequest). */
  @Override
  public ServerLoop.Handler route(Ipc request) {
    return switch ((int) request.payload()) {
      case PP_BUILDER -> builder;
      case PP_CONSTRUCTOR -> constructor;
      case PP_VERIFIER -> verifier;
      default -> null;
    };
  }

  // ------------------------------------------------------------------ confinement

  /**
   * Confined only if every capability the yield starts with is safe: the space, the handler and
   * each tool. What the creator hands to create (bank, schedule, runtime) is the creator's own.
   */
  private boolean computeConfined() throws KernelException {
    if (!isSafe(YIELD_ADDRSPACE) || !isSafe(YIELD_HANDLER)) {
      return false;
    }
    for (int slot = 0; slot < TOOL_SLOTS; slot++) {
      spaces.getSlot(loc(YIELD_TOOLS), slot, loc(TMP));
      if (!isSafe(TMP)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Safe: discreet per Discrim, a Verifier facet of a constructor, or a Constructor facet whose
   * yield is confined. A Builder facet can still be changed, and anything else may talk: holes.
   */
  private boolean isSafe(int reg) throws KernelException {
    if (discrim.isDiscreet(loc(DISCRIM), loc(reg))) {
      return true;
    }
    // Every constructor carries the metaconstructor's brand, which is this process's own brand.
    ProcessIdentifyEntryResult id = process.identifyEntry(loc(CapReg.SELF), loc(reg));
    if (!id.result()) {
      return false;
    }
    if (id.pp() == PP_VERIFIER) {
      return true;
    }
    if (id.pp() != PP_CONSTRUCTOR) {
      return false;
    }
    if (id.isMe()) {
      return sealed && confined; // asking itself would never be answered
    }
    return constructors.isYieldConfined(loc(reg));
  }

  // ------------------------------------------------------------------ create

  /**
   * Builds a yield on {@code bank}. Any failure after the bank is known to be one destroys it, so
   * that nothing half built remains. On success the caller's reply capability is the yield's
   * RETURN: the yield answers, and this constructor does not.
   */
  private void create(long bank, long sched, long runtime) throws KernelException {
    if (!banks.verifyBank(loc(CapReg.SPACEBANK), bank)) {
      throw new KernelException(Codes.RC_REQUEST_ERROR);
    }
    try {
      banks.allocProcess(bank, loc(YIELD_BRAND), loc(NEW_PROC));
      banks.alloc(
          bank,
          RangeCodes.obType.otEndpoint,
          RangeCodes.obType.otEndpoint,
          RangeCodes.obType.otInvalid,
          loc(NEW_ENDPT),
          loc(NEW_RENDPT),
          loc(CapReg.NULL));
      endpoints.setRecipient(loc(NEW_ENDPT), loc(NEW_PROC));
      endpoints.setRecipient(loc(NEW_RENDPT), loc(NEW_PROC));
      endpoints.setPayloadMatch(loc(NEW_RENDPT));
      // ProtoSpace's part: a handler or space given as a constructor is built on the same bank.
      long handler = fromConstructor(YIELD_HANDLER, NEW_HANDLER, bank, sched);
      long space = fromConstructor(YIELD_ADDRSPACE, NEW_SPACE, bank, sched);
      if (space == loc(NEW_SPACE)) {
        spaceHandlers.getSpace(space, space);
      }
      process.setSlot(loc(NEW_PROC), ProcessCodes.cslot.handler, handler);
      process.setSlot(loc(NEW_PROC), ProcessCodes.cslot.schedule, sched);
      process.setCapReg(loc(NEW_PROC), CapReg.REPLYEPT, loc(NEW_RENDPT));
      process.setCapReg(loc(NEW_PROC), CapReg.SELF, loc(NEW_PROC));
      process.setCapReg(loc(NEW_PROC), CapReg.SPACEBANK, bank);
      process.setCapReg(loc(NEW_PROC), CapReg.TOOLS, loc(YIELD_TOOLS));
      process.setCapReg(loc(NEW_PROC), CapReg.INITEPT, loc(NEW_ENDPT));
      process.setCapReg(loc(NEW_PROC), CapReg.RUNTIME, runtime);
      process.setCapReg(loc(NEW_PROC), CapReg.RETURN, loc(CapReg.RETURN));
      // Last, as ProtoSpace ends: the space and PC, and the process is ready; it loads its
      // program from that space when it first runs.
      process.setSpaceAndPC(loc(NEW_PROC), space, yieldPc);
    } catch (KernelException e) {
      destroyQuietly(bank);
      throw e;
    }
    loop.answeredElsewhere();
  }

  /**
   * The capability to install from register {@code reg}: a genuine Constructor facet is asked for a
   * fresh yield on {@code bank} (put in register {@code into}); anything else is installed as it
   * is. Only constructors carrying the common brand are called, so a builder cannot make this
   * constructor wait on an arbitrary process; one that is this constructor is refused, as it would
   * wait on itself.
   */
  private long fromConstructor(int reg, int into, long bank, long sched) throws KernelException {
    ProcessIdentifyEntryResult id = process.identifyEntry(loc(CapReg.SELF), loc(reg));
    if (!id.result() || id.pp() != PP_CONSTRUCTOR) {
      return loc(reg);
    }
    if (id.isMe()) {
      throw new KernelException(Codes.RC_REQUEST_ERROR);
    }
    return constructors.create(loc(reg), bank, sched, loc(CapReg.NULL), loc(into));
  }

  private void destroyQuietly(long bank) {
    try {
      banks.destroy(bank);
    } catch (KernelException e) {
      // Already gone (a constructor asked for the handler or space destroys it when it fails).
    }
  }

  // ------------------------------------------------------------------ facets

  private boolean verifyYield(long candidate) throws KernelException {
    return process.identifyEntryWithBrand(loc(CapReg.SELF), candidate, loc(YIELD_BRAND)).result();
  }

  private long getVerifier() throws KernelException {
    return endpoints.makeEntryCap(loc(CapReg.INITEPT), PP_VERIFIER, loc(CapReg.REPLY0));
  }

  private class VerifierFacet implements VerifierServer {
    @Override
    public void destroy() throws KernelException {
      throw new KernelException(Codes.RC_NO_ACCESS); // only through the Builder facet
    }

    @Override
    public boolean verifyYield(long yield) throws KernelException {
      return ConstructorService.this.verifyYield(yield);
    }
  }

  private class ConstructorFacet implements ConstructorServer {
    @Override
    public void destroy() throws KernelException {
      throw new KernelException(Codes.RC_NO_ACCESS); // only through the Builder facet
    }

    @Override
    public boolean verifyYield(long yield) throws KernelException {
      return ConstructorService.this.verifyYield(yield);
    }

    @Override
    public boolean isYieldConfined() {
      return sealed && confined;
    }

    @Override
    public long create(long bank, long sched, long runtime) throws KernelException {
      ConstructorService.this.create(bank, sched, runtime);
      return loc(CapReg.NULL); // not sent: the yield answers
    }

    @Override
    public long getVerifier() throws KernelException {
      return ConstructorService.this.getVerifier();
    }
  }

  private final class BuilderFacet extends ConstructorFacet implements BuilderServer {
    @Override
    public void destroy() throws KernelException {
      // The constructor's own bank goes, with this process; the answer goes to the caller.
      banks.destroyBankAndReturn(loc(CapReg.SPACEBANK), loc(CapReg.RETURN), Codes.RC_OK);
      loop.answeredElsewhere();
    }

    @Override
    public void setHandler(long handler) throws KernelException {
      requireUnsealed();
      ipc.copyCap(handler, loc(YIELD_HANDLER));
    }

    @Override
    public void setSpace(long space) throws KernelException {
      requireUnsealed();
      ipc.copyCap(space, loc(YIELD_ADDRSPACE));
    }

    @Override
    public void setPC(long pc) throws KernelException {
      requireUnsealed();
      yieldPc = pc;
    }

    @Override
    public void setTool(int slot, long c) throws KernelException {
      requireUnsealed();
      spaces.setSlot(loc(BUILD_TOOLS), slot, c);
    }

    @Override
    public long seal() throws KernelException {
      endpoints.makeEntryCap(loc(CapReg.INITEPT), PP_CONSTRUCTOR, loc(CapReg.REPLY0));
      if (!sealed) {
        // Nobody may add a hole to the tools page any more.
        ipc.copyCap(loc(CapReg.NULL), loc(BUILD_TOOLS));
        sealed = true;
        confined = computeConfined();
      }
      return loc(CapReg.REPLY0);
    }

    private void requireUnsealed() throws KernelException {
      if (sealed) {
        throw new BuilderSealedException();
      }
    }
  }

  static long loc(int reg) {
    return CapReg.loc(reg);
  }
}
