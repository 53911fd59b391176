package jackal.services.constructor;

import jackal.kernel.api.ProgramEntry;
import jackal.kernel.api.SystemCalls;
import jackal.runtime.CapReg;
import jackal.runtime.KernelException;

/**
 * The constructor, an ordinary program: one process per constructor, serving its three facets
 * through one endpoint (INITEPT), told apart by the protected payload ({@link #PP_BUILDER}, {@link
 * #PP_CONSTRUCTOR}, {@link #PP_VERIFIER}). Entry capabilities with payload {@link #PP_BRAND} are
 * never served: they are the brand stamped on every process this constructor builds.
 *
 * <p>A process started with {@link #YIELD_BRAND} Null is a new constructor, built by the
 * metaconstructor: it makes its tools page and brand and answers RETURN with its Builder facet. One
 * started with a brand there was built sealed at boot (the metaconstructor, see {@code
 * jackal.services.boot.MetaConstructor}); its yield's PC is the endpoint ID of its INITEPT, and it
 * answers nobody until asked. See {@link ConstructorService}.
 */
public final class ConstructorProgram implements ProgramEntry {
  /** The Builder facet's payload. */
  public static final int PP_BUILDER = 0;

  /** The Constructor facet's payload. */
  public static final int PP_CONSTRUCTOR = 1;

  /** The Verifier facet's payload. */
  public static final int PP_VERIFIER = 2;

  /** The payload of the brand: an Entry capability that no request ever uses. */
  public static final int PP_BRAND = 0xffff;

  /** The brand the yield processes carry (Null in a constructor not yet set up). */
  public static final int YIELD_BRAND = CapReg.APP0;

  /** The yield's tools page, read-only. */
  public static final int YIELD_TOOLS = CapReg.APP0 + 1;

  /** The yield's address space, or a Constructor of its space handler. */
  public static final int YIELD_ADDRSPACE = CapReg.APP0 + 2;

  /** The yield's fault handler, or a Constructor of it. */
  public static final int YIELD_HANDLER = CapReg.APP0 + 3;

  /** The writable tools page; Null once sealed. */
  static final int BUILD_TOOLS = CapReg.APP0 + 4;

  /** Discrim, taken from the constructor's own tools page. */
  static final int DISCRIM = CapReg.APP0 + 5;

  /** Registers create and the checks work in. */
  static final int NEW_PROC = CapReg.APP0 + 6;

  static final int NEW_ENDPT = CapReg.APP0 + 7;
  static final int NEW_RENDPT = CapReg.APP0 + 8;
  static final int NEW_HANDLER = CapReg.APP0 + 9;
  static final int NEW_SPACE = CapReg.APP0 + 10;
  static final int TMP = CapReg.APP0 + 11;

  /** Tools page slots (as Coyotos's runtime numbers them). */
  public static final int TOOL_DISCRIM = 0;

  public static final int TOOL_PROTOSPACE = 1;
  public static final int TOOL_CONSTRUCTOR_VERIFY = 2;
  public static final int TOOL_AUDIT_LOG = 3;

  /** The loader makes one for each constructor process. */
  public ConstructorProgram() {}

  @Override
  public void run(SystemCalls sys) throws KernelException {
    new ConstructorService(sys).run();
  }
}
