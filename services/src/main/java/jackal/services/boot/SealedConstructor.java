package jackal.services.boot;

import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.services.constructor.ConstructorProgram;

/**
 * A constructor built sealed into an image ({@link MetaConstructor#sealed}).
 *
 * @param process the constructor's process (start it with the image's other processes)
 * @param endpoint its endpoint: facets by payload
 */
public record SealedConstructor(Kernel kernel, ObjectRef process, ObjectRef endpoint) {
  /** The Constructor facet: {@code create} builds a yield on the caller's bank. */
  public CapRef entry() {
    return kernel.entry(endpoint, ConstructorProgram.PP_CONSTRUCTOR);
  }

  /** The Verifier facet: {@code verifyYield} is true only for what this constructor built. */
  public CapRef verifier() {
    return kernel.entry(endpoint, ConstructorProgram.PP_VERIFIER);
  }
}
