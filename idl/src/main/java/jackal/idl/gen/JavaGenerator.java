package jackal.idl.gen;

import jackal.idl.model.Model;
import java.util.List;

/**
 * Turns an analysed model into Java sources. {@link ConstantsGenerator} is the first; client
 * stubs and server skeletons plug in here, reading each {@link
 * jackal.idl.model.MethodDef#layout() method's layout}.
 */
public interface JavaGenerator {
  /** The files this generator writes for {@code model}. */
  List<GeneratedFile> generate(Model model, JavaOptions options);
}
