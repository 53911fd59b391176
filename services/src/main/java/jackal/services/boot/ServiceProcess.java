package jackal.services.boot;

import jackal.kernel.boot.CodeSegment;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProgramRefusedException;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.CapReg;

/**
 * A service process as Coyotos's runtime sets one up: loaded from pages (the services' streams and
 * console and the generated stubs, over the shared runtime library), its reply endpoint in REPLYEPT
 * (payload match, ID 0), SELF, and its initial endpoint in INITEPT (ID 1), through which its
 * clients reach it.
 */
record ServiceProcess(ObjectRef process, ObjectRef endpoint) {
  /** The endpoint ID of INITEPT. */
  static final long INIT_ENDPOINT_ID = 1;

  /**
   * A process of {@code k} named {@code name} running {@code program} (a class of the services'
   * jar) with {@code dataPages} data pages at address 0, over {@code runtime}.
   */
  static ServiceProcess load(
      Kernel k, CodeSegment runtime, String name, Class<?> program, int dataPages) {
    ServiceNames.register();
    ObjectRef p = k.newProcess(name);
    try {
      ProgramSpace ps =
          k.newProgramSpace(program.getName(), dataPages, ServicesLibrary.segment(k), runtime);
      k.setSpaceAndPC(p, ps.space(), ps.pc());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException(name + " is refused: " + e.getMessage(), e);
    }
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, p);
    k.setEndpointId(ep, INIT_ENDPOINT_ID);
    k.setCapReg(p, CapReg.INITEPT, k.cap(ep));
    return new ServiceProcess(p, ep);
  }
}
