package jackal.services.boot;

import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;
import jackal.runtime.boot.ClassFiles;
import jackal.services.bank.SpaceBankProgram;
import java.util.Map;

/**
 * Builds the prime bank into an image: the bank process, loaded as a program from pages (its own
 * classes and the generated stubs it uses, over the shared runtime library), holding the Range
 * capability and the prime bank's endpoint. {@link #entry()} is the prime bank capability that
 * images put in each process's SPACEBANK register.
 *
 * @param process the bank process (start it with the image's other processes)
 * @param endpoint the prime bank's endpoint
 */
public record PrimeBank(Kernel kernel, ObjectRef process, ObjectRef endpoint) {
  private static final String BANK = "jackal/services/bank/";
  private static final String STUBS = "jackal/services/idl/coyotos/";

  private static volatile byte[] jar;

  /** The bank's program jar (built once per JVM from the services' own class files). */
  public static byte[] jar() {
    byte[] j = jar;
    if (j == null) {
      Map<String, byte[]> classes =
          ClassFiles.select(SpaceBankProgram.class, n -> n.startsWith(BANK) || n.startsWith(STUBS));
      j = ClassFiles.jar(classes);
      jar = j;
    }
    return j;
  }

  /**
   * Builds the bank process over {@code runtime} (the runtime library segment) in {@code k}; it
   * runs once {@code k.start(process())} and the kernel boots.
   */
  public static PrimeBank build(Kernel k, CodeSegment runtime) {
    ObjectRef p = k.newProcess("spacebank");
    try {
      ProgramSpace ps =
          k.newProgramSpace(SpaceBankProgram.class.getName(), 1, k.newCodeSegment(jar()), runtime);
      k.setSpaceAndPC(p, ps.space(), ps.pc());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException("the space bank is refused: " + e.getMessage(), e);
    }
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    k.setCapReg(p, SpaceBankProgram.RANGE, k.kernelCap(KernelService.RANGE));
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, p);
    // Every bank's endpoint ID is its endpoint's OID + 1, so no bank has ID 0 (a reply endpoint's).
    k.setEndpointId(ep, ep.oid() + 1);
    k.setCapReg(p, SpaceBankProgram.PRIME_ENDPOINT, k.cap(ep));
    return new PrimeBank(k, p, ep);
  }

  /** The prime bank capability with no restrictions: what SPACEBANK (register 3) holds. */
  public CapRef entry() {
    return kernel.entry(endpoint, 0);
  }

  /** The prime bank capability with restrictions {@code restrictions} (SpaceBank.restrictions). */
  public CapRef entry(int restrictions) {
    return kernel.entry(endpoint, restrictions);
  }

  /** Puts the prime bank capability in {@code process}'s SPACEBANK register. */
  public void give(ObjectRef process) {
    kernel.setCapReg(process, CapReg.SPACEBANK, entry());
  }
}
