package jackal.idl;

import jackal.idl.gen.GeneratedFile;
import jackal.idl.model.Model;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line: {@code jackal.idl.Main -o OUTDIR -p JAVA_PACKAGE_PREFIX FILE...}. Compiles
 * the files together and writes the generated Java sources below OUTDIR. Exit status: 0 on
 * success, 1 if a source is malformed (one {@code file:line:col: message} line on standard
 * error), 2 on a usage or I/O error.
 */
public final class Main {
  private Main() {}

  static final String USAGE =
      "usage: jackal.idl.Main -o OUTDIR -p JAVA_PACKAGE_PREFIX FILE...\n"
          + "  -o OUTDIR   root of the generated Java sources\n"
          + "  -p PREFIX   Java package prefix (CapIDL package a.b becomes PREFIX.a.b; \"\" for none)\n";

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
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "-h", "--help" -> {
          out.print(USAGE);
          return 0;
        }
        case "-o", "-p" -> {
          if (i + 1 >= args.length) {
            err.print("option " + a + " needs a value\n" + USAGE);
            return 2;
          }
          String v = args[++i];
          if (a.equals("-o")) {
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
    if (outDir == null || prefix == null || files.isEmpty()) {
      err.print(USAGE);
      return 2;
    }
    if (!prefix.isEmpty() && !prefix.matches("[A-Za-z_$][\\w$]*(\\.[A-Za-z_$][\\w$]*)*")) {
      err.print("not a Java package name: " + prefix + "\n");
      return 2;
    }
    try {
      Model model = CapIdl.compileFiles(files);
      List<GeneratedFile> gen = CapIdl.generateJava(model, prefix);
      for (GeneratedFile g : gen) {
        g.writeTo(outDir);
      }
      out.println("jackal-idl: " + files.size() + " file(s), " + model.interfaces().size()
          + " interface(s), " + gen.size() + " Java file(s) in " + outDir);
      return 0;
    } catch (IdlException e) {
      err.println(e.getMessage());
      return 1;
    } catch (IOException e) {
      err.println("jackal-idl: " + e);
      return 2;
    }
  }
}
