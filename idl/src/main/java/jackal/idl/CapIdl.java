package jackal.idl;

import jackal.idl.gen.ConstantsGenerator;
import jackal.idl.gen.GeneratedFile;
import jackal.idl.gen.JavaGenerator;
import jackal.idl.gen.JavaOptions;
import jackal.idl.gen.StubGenerator;
import jackal.idl.model.Model;
import jackal.idl.syntax.Ast;
import jackal.idl.syntax.Parser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The library entry point of the CapIDL compiler.
 *
 * <pre>{@code
 * Model m = CapIdl.compile(List.of(SourceFile.read(path)));
 * MethodDef log = m.method("coyotos.KernLog.log");
 * int oc = log.code();                       // request word 1
 * MethodLayout l = log.layout();             // where each argument travels
 * List<GeneratedFile> java = CapIdl.generateJava(m, "jackal.gen"); // codes, stubs, skeletons
 * }</pre>
 *
 * Every error is an {@link IdlException} naming file, line and column.
 */
public final class CapIdl {
  private CapIdl() {}

  /** Parses one file (syntax only: names stay unresolved). */
  public static Ast.Unit parse(SourceFile source) throws IdlException {
    return Parser.parse(source);
  }

  /** Parses and analyses files together; they may refer to each other's declarations. */
  public static Model compile(List<SourceFile> sources) throws IdlException {
    List<Ast.Unit> units = new ArrayList<>();
    for (SourceFile s : sources) {
      units.add(Parser.parse(s));
    }
    return Model.analyze(units);
  }

  /** Reads, parses and analyses the files at {@code paths}. */
  public static Model compileFiles(List<Path> paths) throws IdlException, IOException {
    List<SourceFile> sources = new ArrayList<>();
    for (Path p : paths) {
      sources.add(SourceFile.read(p));
    }
    return compile(sources);
  }

  /**
   * The generators {@link Main} runs: the constants classes, and the client stubs, server
   * interfaces, skeletons, records and exceptions of the Jackal runtime.
   */
  public static List<JavaGenerator> generators() {
    return List.of(new ConstantsGenerator(), new StubGenerator());
  }

  /** The Java files every generator of {@link #generators()} writes for {@code model}. */
  public static List<GeneratedFile> generateJava(Model model, String javaPackagePrefix) {
    return generateJava(model, new JavaOptions(javaPackagePrefix));
  }

  /** The Java files every generator of {@link #generators()} writes for {@code model}. */
  public static List<GeneratedFile> generateJava(Model model, JavaOptions o) {
    List<GeneratedFile> out = new ArrayList<>();
    for (JavaGenerator g : generators()) {
      out.addAll(g.generate(model, o));
    }
    return out;
  }
}
