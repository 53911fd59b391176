package jackal.services.boot;

import static jackal.services.constructor.ConstructorProgram.PP_BRAND;
import static jackal.services.constructor.ConstructorProgram.PP_CONSTRUCTOR;
import static jackal.services.constructor.ConstructorProgram.PP_VERIFIER;

import jackal.kernel.api.Restr;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.boot.ClassFiles;
import jackal.services.constructor.ConstructorProgram;
import java.util.Map;

/**
 * Builds the metaconstructor into an image: a constructor process, sealed at boot, whose yield runs
 * the constructor program, so that each {@code create} makes a new constructor and answers with its
 * Builder facet. The constructor brand is the Entry capability with payload {@code 0xffff} to the
 * metaconstructor's endpoint: it brands the metaconstructor itself and every process it builds
 * (every other constructor), so its Verifier ({@link #verifier()}) recognises every genuine
 * constructor, itself included.
 *
 * @param process the metaconstructor process (start it with the image's other processes)
 * @param endpoint its endpoint (INITEPT): facets by payload, its ID the yield's PC
 * @param code the constructor program's segment (its classes and the services' stubs), which yield
 *     programs may map too
 * @param tools the read-only tools page every yield of a constructor made here starts with:
 *     Discrim, and the constructor verifier
 * @param image the constructor program's space, weak: every constructor runs in it
 * @param pc the constructor program's PC in {@code image}
 * @param bank the bank every constructor checks its callers' banks against (the prime bank)
 */
public record MetaConstructor(
    Kernel kernel,
    ObjectRef process,
    ObjectRef endpoint,
    CodeSegment code,
    CapRef tools,
    CapRef image,
    long pc,
    CapRef bank) {
  private static final String CONSTRUCTOR = "jackal/services/constructor/";
  private static final String STUBS = "jackal/services/idl/coyotos/";

  private static volatile byte[] jar;

  /** The constructor program's jar (built once per JVM from the services' own class files). */
  public static byte[] jar() {
    byte[] j = jar;
    if (j == null) {
      Map<String, byte[]> classes =
          ClassFiles.select(
              ConstructorProgram.class, n -> n.startsWith(CONSTRUCTOR) || n.startsWith(STUBS));
      j = ClassFiles.jar(classes);
      jar = j;
    }
    return j;
  }

  /**
   * Builds the metaconstructor over {@code runtime} (the runtime library segment) in {@code k}, its
   * storage (what it checks banks against) from {@code bank}; it runs once {@code
   * k.start(process())} and the kernel boots.
   */
  public static MetaConstructor build(Kernel k, CodeSegment runtime, PrimeBank bank) {
    ServiceNames.register();
    CodeSegment code;
    ProgramSpace ps;
    try {
      code = k.newCodeSegment(jar());
      ps = k.newProgramSpace(ConstructorProgram.class.getName(), 0, code, runtime);
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException("the constructor is refused: " + e.getMessage(), e);
    }
    // Weak: every constructor shares the image, and a weak space is discreet (no hole).
    CapRef image = k.restricted(ps.space(), Restr.WEAK);
    ObjectRef p = k.newProcess("metaconstructor");
    k.setSpaceAndPC(p, image, ps.pc());

    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, p);
    // A constructor sealed at boot reads its yield's PC from its endpoint's ID (no request uses
    // it).
    k.setEndpointId(ep, ps.pc());
    CapRef brand = k.entry(ep, PP_BRAND);
    k.setBrand(p, brand);

    ObjectRef toolPage = k.newCapPage();
    k.setCapPageSlot(toolPage, ConstructorProgram.TOOL_DISCRIM, k.kernelCap(KernelService.DISCRIM));
    k.setCapPageSlot(
        toolPage, ConstructorProgram.TOOL_CONSTRUCTOR_VERIFY, k.entry(ep, PP_VERIFIER));
    CapRef tools = k.restricted(k.cap(toolPage), Restr.READ_ONLY);

    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    k.setCapReg(p, CapReg.SPACEBANK, bank.entry());
    k.setCapReg(p, CapReg.TOOLS, tools);
    k.setCapReg(p, CapReg.INITEPT, k.cap(ep));
    k.setCapReg(p, ConstructorProgram.YIELD_BRAND, brand);
    k.setCapReg(p, ConstructorProgram.YIELD_TOOLS, tools);
    k.setCapReg(p, ConstructorProgram.YIELD_ADDRSPACE, image);
    return new MetaConstructor(k, p, ep, code, tools, image, ps.pc(), bank.entry());
  }

  /**
   * A constructor built sealed into the image, as the metaconstructor's {@code create} and a
   * Builder's {@code seal} would have made it at run time: a process of the constructor program
   * carrying the metaconstructor's brand (so this metaconstructor's Verifier recognises it, and
   * other constructors trust its Constructor facet), whose yields start in {@code yieldSpace} (a
   * space, or a Constructor facet of a space handler) at {@code yieldPc}, with {@code yieldHandler}
   * (a capability, a Constructor facet of a handler, or Null) and a read-only tools page holding
   * Discrim, the constructor verifier and {@code tools} (slot to capability). It works out whether
   * its yield is confined when it starts, as {@code seal} does. Start {@link
   * SealedConstructor#process()} with the image's other processes.
   */
  public SealedConstructor sealed(
      String name,
      CapRef yieldSpace,
      long yieldPc,
      CapRef yieldHandler,
      Map<Integer, CapRef> tools) {
    Kernel k = kernel;
    ObjectRef p = k.newProcess(name);
    k.setSpaceAndPC(p, image, pc);
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, p);
    // Sealed at boot: the yield's PC is the endpoint's ID (see ConstructorProgram).
    k.setEndpointId(ep, yieldPc);
    k.setBrand(p, k.entry(endpoint, PP_BRAND));

    ObjectRef toolPage = k.newCapPage();
    k.setCapPageSlot(toolPage, ConstructorProgram.TOOL_DISCRIM, k.kernelCap(KernelService.DISCRIM));
    k.setCapPageSlot(toolPage, ConstructorProgram.TOOL_CONSTRUCTOR_VERIFY, verifier());
    tools.forEach(
        (slot, cap) -> {
          if (slot == ConstructorProgram.TOOL_DISCRIM
              || slot == ConstructorProgram.TOOL_CONSTRUCTOR_VERIFY) {
            throw new IllegalArgumentException("tools slot " + slot + " is the runtime's");
          }
          k.setCapPageSlot(toolPage, slot, cap);
        });
    CapRef yieldTools = k.restricted(k.cap(toolPage), Restr.READ_ONLY);

    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    k.setCapReg(p, CapReg.SPACEBANK, bank);
    k.setCapReg(p, CapReg.TOOLS, this.tools);
    k.setCapReg(p, CapReg.INITEPT, k.cap(ep));
    k.setCapReg(p, ConstructorProgram.YIELD_BRAND, k.entry(ep, PP_BRAND));
    k.setCapReg(p, ConstructorProgram.YIELD_TOOLS, yieldTools);
    k.setCapReg(p, ConstructorProgram.YIELD_ADDRSPACE, yieldSpace);
    k.setCapReg(p, ConstructorProgram.YIELD_HANDLER, yieldHandler);
    return new SealedConstructor(k, p, ep);
  }

  /** The MetaConstructor: the Constructor facet whose {@code create} makes a Builder. */
  public CapRef entry() {
    return kernel.entry(endpoint, PP_CONSTRUCTOR);
  }

  /** The constructor verifier: true for every constructor's facets, false for anything else. */
  public CapRef verifier() {
    return kernel.entry(endpoint, PP_VERIFIER);
  }
}
