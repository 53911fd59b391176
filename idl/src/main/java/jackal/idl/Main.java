package jackal.idl;

import jackal.idl.gen.ConstantsGenerator;
import jackal.idl.gen.GeneratedFile;
import jackal.idl.gen.JavaOptions;
import jackal.idl.gen.MethodTableGenerator;
import jackal.idl.model.Model;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The command line: {@code jackal.idl.Main -o OUTDIR -p JAVA_PACKAGE_PREFIX [OPTIONS] FILE...}.
 * Compiles the files together and writes the generated Java sources below OUTDIR (a file whose
 * content is unchanged is left alone, so builds stay incremental). Options:
 *
 * <ul>
 *   <li>{@code --kernel-idl}: also compile and generate the kernel's CapIDL ({@link KernelIdl});
 *   <li>{@code --use-kernel-idl PREFIX}: compile the kernel's CapIDL so the files may use it, but
 *       write nothing for it: its classes were generated under PREFIX;
 *   <li>{@code --clean}: delete the {@code .java} files below OUTDIR that this run did not write
 *       (left over from interfaces since removed);
 *   <li>{@code --codes-only}: write only the constants classes, which depend on nothing (for the
 *       kernel, which cannot use the runtime's stubs);
 *   <li>{@code --names-resource DIR}: also write {@code DIR/META-INF/jackal/capidl-names.txt}, the
 *       method and exception names as a text resource for a program's jar (the system that loads
 *       the program names its calls in traces from it).
 *   <li>{@code --method-table}: also write {@code PREFIX.MethodTable}, naming every method and
 *       exception code of the generated packages (for the kernel's events and traces);
 *   <li>{@code --quiet}: print nothing on success (for quiet builds).
 * </ul>
 *
 * Exit status: 0 on success, 1 if a source is malformed (one {@code file:line:col: message} line on
 * standard error), 2 on a usage or I/O error.
 */
public final class Main {
  private Main() {}

  static final String USAGE =
      """
      usage: jackal.idl.Main -o OUTDIR -p JAVA_PACKAGE_PREFIX [OPTIONS] FILE...
        -o, --out OUTDIR          root of the generated Java sources
        -p, --prefix PREFIX       Java package prefix (CapIDL package a.b becomes PREFIX.a.b;
                                  "" for none)
        --kernel-idl              also compile and generate the kernel's CapIDL (coyotos.*)
        --use-kernel-idl PREFIX   compile the kernel's CapIDL for reference only: its Java
                                  classes were generated under PREFIX
        --clean                   delete .java files below OUTDIR that this run did not write
        --codes-only              write only the constants classes (ICodes, PackageCodes),
                                  which need nothing but the JDK
        --method-table            also write PREFIX.MethodTable (code -> qualified name)
        --names-resource DIR      also write DIR/META-INF/jackal/capidl-names.txt, the same
                                  names as a resource a program's jar carries (for traces)
        --quiet                   print nothing on success
      """;

  public static void main(String[] args) {
    int rc = run(args, System.out, System.err);
    if (rc != 0) {
      System.exit(rc);
    }
  }

  /** Runs the compiler; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Path outDir = null;
    String prefix = null;
    String kernelPrefix = null;
    boolean kernel = false;
    boolean clean = false;
    boolean quiet = false;
    boolean codesOnly = false;
    boolean methodTable = false;
    Path namesDir = null;
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-h", "--help" -> {
          out.print(USAGE);
          return 0;
        }
        case "--kernel-idl" -> kernel = true;
        case "--clean" -> clean = true;
        case "--quiet" -> quiet = true;
        case "--codes-only" -> codesOnly = true;
        case "--method-table" -> methodTable = true;
        case "--names-resource" -> {
          if (i + 1 >= args.length) {
            err.println("jackal-idl: --names-resource needs a directory");
            return 2;
          }
          namesDir = Path.of(args[++i]);
        }
        case "--use-kernel-idl" -> {
          if (i + 1 >= args.length) {
            err.print("option " + a + " needs a value\n" + USAGE);
            return 2;
          }
          kernelPrefix = args[++i];
        }
        case "-o", "--out", "-p", "--prefix" -> {
          if (i + 1 >= args.length) {
            err.print("option " + a + " needs a value\n" + USAGE);
            return 2;
          }
          String v = args[++i];
          if (a.equals("-o") || a.equals("--out")) {
            outDir = Path.of(v);
          } else {
            prefix = v;
          }
        }
        default -> {
          if (a.startsWith("-") && a.length() > 1) {
            err.print("unknown option " + a + "\n" + USAGE);
            return 2;
          }
          files.add(Path.of(a));
        }
      }
    }
    if (outDir == null || prefix == null || (files.isEmpty() && !kernel)) {
      err.print(USAGE);
      return 2;
    }
    if (kernel && kernelPrefix != null) {
      err.print("--kernel-idl and --use-kernel-idl exclude each other\n" + USAGE);
      return 2;
    }
    for (String p : kernelPrefix == null ? List.of(prefix) : List.of(prefix, kernelPrefix)) {
      if (!p.isEmpty() && !p.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
        err.print("not a Java package name: " + p + "\n");
        return 2;
      }
    }
    try {
      List<SourceFile> sources = new ArrayList<>();
      JavaOptions options = new JavaOptions(prefix);
      if (kernel || kernelPrefix != null) {
        for (SourceFile k : KernelIdl.sources()) {
          sources.add(k);
          if (kernelPrefix != null) {
            String pkg = String.join(".", CapIdl.parse(k).packageName().parts());
            options = options.importing(pkg, kernelPrefix);
          }
        }
      }
      for (Path p : files) {
        sources.add(SourceFile.read(p));
      }
      Model model = CapIdl.compile(sources);
      List<GeneratedFile> gen =
          new ArrayList<>(
              codesOnly
                  ? new ConstantsGenerator().generate(model, options)
                  : CapIdl.generateJava(model, options));
      if (methodTable) {
        gen.addAll(new MethodTableGenerator().generate(model, options));
      }
      if (namesDir != null) {
        Path res = namesDir.resolve(MethodTableGenerator.RESOURCE);
        String text = MethodTableGenerator.resource(model, options);
        if (!Files.isRegularFile(res)
            || !Files.readString(res, StandardCharsets.UTF_8).equals(text)) {
          Files.createDirectories(res.getParent());
          Files.writeString(res, text, StandardCharsets.UTF_8);
        }
      }
      Set<Path> written = new HashSet<>();
      int changed = 0;
      for (GeneratedFile g : gen) {
        Path target = outDir.resolve(g.relativePath());
        written.add(target.toAbsolutePath().normalize());
        if (!Files.isRegularFile(target)
            || !Files.readString(target, StandardCharsets.UTF_8).equals(g.source())) {
          g.writeTo(outDir);
          changed++;
        }
      }
      int removed = clean ? removeStale(outDir, written) : 0;
      if (!quiet) {
        out.println(
            "jackal-idl: "
                + sources.size()
                + " file(s), "
                + model.interfaces().size()
                + " interface(s), "
                + gen.size()
                + " Java file(s) in "
                + outDir
                + " ("
                + changed
                + " written"
                + (clean ? ", " + removed + " stale removed" : "")
                + ")");
      }
      return 0;
    } catch (IdlException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("jackal-idl: " + e);
      return 2;
    }
  }

  /** Deletes the .java files below {@code root} not in {@code keep}, then emptied directories. */
  private static int removeStale(Path root, Set<Path> keep) throws IOException {
    if (!Files.isDirectory(root)) {
      return 0;
    }
    List<Path> all;
    try (Stream<Path> s = Files.walk(root)) {
      all = s.sorted(Comparator.reverseOrder()).toList();
    }
    int removed = 0;
    for (Path p : all) {
      if (Files.isRegularFile(p)
          && p.getFileName().toString().endsWith(".java")
          && !keep.contains(p.toAbsolutePath().normalize())) {
        Files.delete(p);
        removed++;
      } else if (Files.isDirectory(p) && !p.equals(root)) {
        try (Stream<Path> s = Files.list(p)) {
          if (s.findAny().isEmpty()) {
            Files.delete(p);
          }
        }
      }
    }
    return removed;
  }
}
