package jackal.idl.gen;

import jackal.idl.model.Model;
import java.util.List;

/**
 * Turns an analysed model into Java sources: {@link ConstantsGenerator} writes the codes, {@link
 * StubGenerator} the client stubs, server interfaces and skeletons, reading each {@link
 * jackal.idl.model.MethodDef#layout() method's layout}. A generator writes nothing for the packages
 * {@link JavaOptions#imported() imported}.
 */
public interface JavaGenerator {
  /** The files this generator writes for {@code model}. */
  List<GeneratedFile> generate(Model model, JavaOptions options);
}
