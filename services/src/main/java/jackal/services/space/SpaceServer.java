package jackal.services.space;

import static jackal.kernel.api.CapLoc.reg;

import jackal.kernel.api.Codes;
import jackal.kernel.api.FaultCode;
import jackal.kernel.api.Restr;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.Guards;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.ServerLoop;
import jackal.services.idl.coyotos.CapNoAccessException;
import jackal.services.idl.coyotos.CapRequestErrorException;
import jackal.services.idl.coyotos.CapUnknownRequestException;
import jackal.services.idl.coyotos.DiscrimClient;
import jackal.services.idl.coyotos.EndpointClient;
import jackal.services.idl.coyotos.GPTClient;
import jackal.services.idl.coyotos.MemoryHandlerCodes;
import jackal.services.idl.coyotos.MemoryHandlerServer;
import jackal.services.idl.coyotos.MemoryHandlerSkeleton;
import jackal.services.idl.coyotos.ProcessClient;
import jackal.services.idl.coyotos.SpaceBankClient;

/**
 * What the two space servers share: one process per space, as in Coyotos, serving two facets of one
 * endpoint (the endpoint in INITEPT) by protected payload: the space's own interface ({@link
 * #PP_SPACE}) and the memory handler ({@link #PP_HANDLER}) that the root GPT names in slot 15.
 *
 * <p>The root GPT comes from the bank in SPACEBANK, which also pays for every page and GPT a repair
 * makes. Its slot 0 or 1 holds the background space in {@link #BACKGROUND}, weakened; {@code
 * getSpace} hands out an opaque capability to it, so that only this server can change the space.
 *
 * <p>A fault upcall is believed only if it carries a full capability to the root GPT, which the
 * kernel sends with every memory fault of this space and which no one else holds: a caller of the
 * handler facet cannot make the server resume, or spend storage for, a process of its choosing.
 */
abstract class SpaceServer {
  /** The space to copy from (any capability; weakened before use), or Null for a zero space. */
  static final int BACKGROUND = CapReg.APP0;

  /** Discrim, to recognise the root GPT in an upcall. */
  static final int DISCRIM = CapReg.APP0 + 1;

  /** The opaque root capability getSpace hands out. */
  static final int OPAQUE = CapReg.APP0 + 3;

  /** The handler facet, for slot 15 of the root. */
  static final int HANDLER_ENTRY = CapReg.APP0 + 4;

  /** Protected payload of the space's own facet. */
  static final int PP_SPACE = 0;

  /** Protected payload of the memory handler facet. */
  static final int PP_HANDLER = 1;

  static final int ROOT_L2V = 63;
  static final long NULL = reg(CapReg.NULL);
  static final long BANK = reg(CapReg.SPACEBANK);

  final SystemCalls sys;
  final Ipc ipc;
  final GPTClient gpt;
  final SpaceBankClient bank;
  final ProcessClient process;
  final DiscrimClient discrim;
  final EndpointClient endpoint;
  final CopyOnWrite engine;

  SpaceServer(SystemCalls sys) {
    this.sys = sys;
    this.ipc = new Ipc(sys);
    Ipc calls = new Ipc(sys);
    this.gpt = new GPTClient(calls);
    this.bank = new SpaceBankClient(calls);
    this.process = new ProcessClient(calls);
    this.discrim = new DiscrimClient(calls);
    this.endpoint = new EndpointClient(calls);
    this.engine = new CopyOnWrite(calls);
  }

  /**
   * Whether this server repairs fault {@code fc} at {@code addr}; others go to the process handler.
   */
  abstract boolean handles(int fc, long addr);

  /** Called after a repair of {@code addr} that took {@code pages} pages from the bank. */
  void repaired(long addr, long pages) {}

  /** The skeleton of the space's own facet. */
  abstract ServerLoop.Handler spaceFacet();

  /** Before the root is built: a server may take its background from elsewhere. */
  void beforeRoot() throws KernelException {}

  /** After the root is built, before the first request. */
  void serving() throws KernelException {}

  final void run() throws KernelException {
    long id = endpoint.getEndpointID(reg(CapReg.INITEPT));
    beforeRoot();
    buildRoot();
    serving();
    loop = new ServerLoop(ipc);
    loop.register(id, PP_SPACE, spaceFacet());
    loop.register(id, PP_HANDLER, new Surviving(new HandlerFacet()));
    loop.run();
  }

  /**
   * The root GPT: 2^63 bytes a slot, no guard, the handler in slot 15 with ha set, the background
   * weakened in the slot its guard places it in.
   */
  private void buildRoot() throws KernelException {
    int root = CopyOnWrite.ROOT;
    bank.alloc(BANK, Codes.OT_GPT, otInvalid(), otInvalid(), reg(root), NULL, NULL);
    gpt.setl2v(reg(root), ROOT_L2V);
    gpt.setGuard(reg(root), Guards.of(0, 64), reg(root));
    endpoint.makeEntryCap(reg(CapReg.INITEPT), PP_HANDLER, reg(HANDLER_ENTRY));
    gpt.setSlot(reg(root), CopyOnWrite.HANDLER_SLOT, reg(HANDLER_ENTRY));
    gpt.setHandler(reg(root), true);
    if (gpt.getType(reg(BACKGROUND)) != Codes.IKT_NULL) {
      int g = gpt.getGuard(reg(BACKGROUND));
      int l2g = g & 0x7F;
      if (l2g >= 64) {
        // A background spanning every address leaves no room for the handler's slot.
        throw new IllegalStateException("the background space spans all 64 bits");
      }
      long base = ((g & 0xFFFF_FFFFL) >>> 8) << l2g;
      gpt.reduce(reg(BACKGROUND), Restr.WEAK, reg(BACKGROUND));
      gpt.guardedSetSlot(reg(root), (int) (base >>> ROOT_L2V), reg(BACKGROUND), g);
    }
    gpt.reduce(reg(root), Restr.OPAQUE, reg(OPAQUE));
  }

  private static int otInvalid() {
    return (int) Codes.OT_INVALID;
  }

  /**
   * The handler facet. The kernel's upcall has three words and three capabilities: Null (no one to
   * answer), a resume-only capability to the faulter, and the handled GPT. Only an upcall whose GPT
   * is this server's root is acted on; the faulter is resumed with its fault cancelled if the
   * repair worked, and otherwise resumed with it pending, which sends it to the process handler.
   */
  private void serveHandler(Ipc in, ServerLoop.Reply reply) throws KernelException {
    if (in.opcode() != MemoryHandlerCodes.OC_handle) {
      handlerSkeleton.serve(in, reply); // getType and destroy
      return;
    }
    if (in.lastDataWord() != 3 || in.capsReceived() != 3) {
      throw new CapRequestErrorException();
    }
    if (!discrim.compare(reg(DISCRIM), reg(CapReg.ARG1), reg(CopyOnWrite.ROOT))) {
      throw new CapNoAccessException();
    }
    int fc = (int) in.w[2];
    long addr = in.w[3];
    boolean fixed = false;
    if (handles(fc, addr)) {
      long before = engine.pagesAllocated;
      fixed = engine.repair(addr, fc == FaultCode.INVALID_CAP_REFERENCE);
      if (fixed) {
        repaired(addr, engine.pagesAllocated - before);
      }
    }
    process.resume(reg(CapReg.ARG0), fixed);
    reply.words(0);
  }

  private final MemoryHandlerSkeleton handlerSkeleton =
      new MemoryHandlerSkeleton(
          new MemoryHandlerServer() {
            @Override
            public void handle(long proc, int faultCode, long faultInfo) throws KernelException {
              // Only reached with the wrong shape for an upcall (no GPT): not the kernel.
              throw new CapNoAccessException();
            }

            @Override
            public void destroy() throws KernelException {
              throw new CapNoAccessException();
            }
          });

  /** The loop serving the facets (set once running). */
  private ServerLoop loop;

  /**
   * Whether this server was built in the bank it holds (by a constructor, on its creator's bank),
   * so that destroying that bank destroys the server with the space.
   */
  boolean livesInItsBank() {
    return false;
  }

  /**
   * Destroys the space as Coyotos does: the server's bank destroys itself, with the server, the
   * space and every page in it, and the bank answers the caller. Only a server that lives in that
   * bank does it; one built into an image (outside its bank) answers UnknownRequest, since it would
   * stay behind serving a space that is gone.
   */
  public void destroy() throws KernelException {
    if (!livesInItsBank()) {
      throw new CapUnknownRequestException();
    }
    bank.destroyBankAndReturn(BANK, reg(CapReg.RETURN), Codes.RC_OK);
    loop.answeredElsewhere();
  }

  /** The space facet's getSpace: the opaque root. */
  final long opaqueRoot() {
    return reg(OPAQUE);
  }

  /**
   * A handler whose bugs answer RequestError instead of ending the server (the skeletons do this
   * for themselves; the upcall path is not all skeleton). A class, not a lambda: the server's state
   * is captured at checkpoints, and a lambda object cannot be.
   */
  private static final class Surviving implements ServerLoop.Handler {
    private final ServerLoop.Handler h;

    Surviving(ServerLoop.Handler h) {
      this.h = h;
    }

    @Override
    public void serve(Ipc in, ServerLoop.Reply reply) throws KernelException {
      try {
        h.serve(in, reply);
      } catch (RuntimeException e) {
        throw new CapRequestErrorException();
      }
    }
  }

  /** The handler facet, served by {@link #serveHandler} (classes, not lambdas: see Surviving). */
  private final class HandlerFacet implements ServerLoop.Handler {
    @Override
    public void serve(Ipc in, ServerLoop.Reply reply) throws KernelException {
      serveHandler(in, reply);
    }
  }
}
