package jackal.services.boot;

import jackal.kernel.api.ProgramEntry;
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
import jackal.services.space.ProgramSpaceProgram;
import jackal.services.space.VirtualCopySpaceProgram;
import java.util.Map;

/**
 * Builds a space server into an image: the server process, loaded as a program from pages, holding
 * its endpoint (INITEPT, endpoint ID 1), the space it copies from and Discrim; everything but its
 * bank. It is not started: whoever gives it a bank ({@code Process.setCapReg} of SPACEBANK) starts
 * it with {@code Process.setSpaceAndPC(process, space(), pc())}, as a constructor would build it on
 * the caller's bank.
 *
 * @param process the server process (not started)
 * @param endpoint its endpoint
 * @param space the server's own program space
 * @param pc the server's PC
 */
public record SpaceServerImage(
    Kernel kernel, ObjectRef process, ObjectRef endpoint, CapRef space, long pc) {
  private static final String SPACE = "jackal/services/space/";
  private static final String STUBS = "jackal/services/idl/coyotos/";

  /** The endpoint ID of a space server's endpoint (Coyotos's INITEPT convention). */
  public static final long ENDPOINT_ID = 1;

  private static volatile byte[] jar;

  /** The servers' program jar (their classes and the stubs), built once per JVM. */
  public static byte[] jar() {
    byte[] j = jar;
    if (j == null) {
      Map<String, byte[]> classes =
          ClassFiles.select(
              ProgramSpaceProgram.class, n -> n.startsWith(SPACE) || n.startsWith(STUBS));
      j = ClassFiles.jar(classes);
      jar = j;
    }
    return j;
  }

  /** The servers' code as a segment of {@code k}, to share between the servers built on it. */
  public static CodeSegment segment(Kernel k) {
    try {
      return k.newCodeSegment(jar());
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException("the space servers are refused: " + e.getMessage(), e);
    }
  }

  /**
   * A program space server (ElfSpace) over {@code image}, a program space as {@code
   * Kernel.newProgramSpace} builds it.
   */
  public static SpaceServerImage programSpace(
      Kernel k, CodeSegment servers, CodeSegment runtime, CapRef image) {
    return build(k, "program-space", ProgramSpaceProgram.class, servers, runtime, image);
  }

  /**
   * A virtual copy space server over {@code background} (Null: zeroVCS), whose {@code freeze} is
   * UnknownRequest: it has no metaconstructor.
   */
  public static SpaceServerImage virtualCopy(
      Kernel k, CodeSegment servers, CodeSegment runtime, CapRef background) {
    return build(k, "virtual-copy", VirtualCopySpaceProgram.class, servers, runtime, background);
  }

  /**
   * A virtual copy space server over {@code background} that can {@code freeze}: it makes the
   * constructor of frozen copies through {@code metaconstructor} (a Constructor facet), on its own
   * bank, scheduled with the kernel's Schedule.
   */
  public static SpaceServerImage virtualCopy(
      Kernel k,
      CodeSegment servers,
      CodeSegment runtime,
      CapRef background,
      CapRef metaconstructor) {
    SpaceServerImage s = virtualCopy(k, servers, runtime, background);
    k.setCapReg(s.process(), VirtualCopySpaceProgram.METACONSTRUCTOR, metaconstructor);
    k.setCapReg(s.process(), VirtualCopySpaceProgram.SCHEDULE, k.kernelCap(KernelService.SCHEDULE));
    // Weak: the copies share the program's pages and cannot change them (and a weak space is
    // discreet, so the constructor is confined).
    k.setCapReg(
        s.process(), VirtualCopySpaceProgram.OWN_SPACE, k.restricted(s.space(), Restr.WEAK));
    return s;
  }

  private static SpaceServerImage build(
      Kernel k,
      String name,
      Class<? extends ProgramEntry> program,
      CodeSegment servers,
      CodeSegment runtime,
      CapRef background) {
    ServiceNames.register();
    ObjectRef p = k.newProcess(name);
    ProgramSpace ps;
    try {
      ps = k.newProgramSpace(program.getName(), 1, servers, runtime);
    } catch (ProgramRefusedException e) {
      throw new IllegalStateException(name + " is refused: " + e.getMessage(), e);
    }
    k.setSpaceAndPC(p, ps.space(), ps.pc());
    ObjectRef replyEp = k.newEndpoint();
    k.setRecipient(replyEp, p);
    k.setPayloadMatch(replyEp);
    k.setCapReg(p, CapReg.REPLYEPT, k.cap(replyEp));
    k.setCapReg(p, CapReg.SELF, k.cap(p));
    ObjectRef ep = k.newEndpoint();
    k.setRecipient(ep, p);
    k.setEndpointId(ep, ENDPOINT_ID);
    k.setCapReg(p, CapReg.INITEPT, k.cap(ep));
    k.setCapReg(p, ProgramSpaceProgram.IMAGE, background);
    k.setCapReg(p, ProgramSpaceProgram.DISCRIM, k.kernelCap(KernelService.DISCRIM));
    return new SpaceServerImage(k, p, ep, ps.space(), ps.pc());
  }

  /** The space's own facet (ElfSpace or VirtualCopySpace). */
  public CapRef facet() {
    return kernel.entry(endpoint, ProgramSpaceProgram.PP_SPACE);
  }

  /** The memory handler facet (what the server puts in its root GPT's slot 15). */
  public CapRef handlerFacet() {
    return kernel.entry(endpoint, ProgramSpaceProgram.PP_HANDLER);
  }
}
