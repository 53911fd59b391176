package jackal.cli;

import jackal.image.boot.ImageBoot;
import jackal.image.file.ImageFile;
import jackal.kernel.boot.KernelConfig;
import jackal.runtime.DefaultImage;
import jackal.runtime.fuzz.SyscallFuzz;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Entry point of the {@code jackal} command.
 *
 * <p>Exit codes: 0 success; 1 failure reported by a subcommand; 2 wrong usage (one line {@code
 * jackal: <message>} plus a hint line on stderr).
 */
@Command(
    name = "jackal",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Jackal: a capability microkernel runtime in one JVM.",
    subcommands = {
      Main.Run.class,
      ImageCommand.class,
      StoreCommand.class,
      BenchCommand.class,
      Main.Soak.class,
      Main.Test.class
    })
public final class Main implements Callable<Integer> {

  /** Exit code for wrong usage (bad option, unknown command, bad argument). */
  public static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("run")) {
      ImageBoot.prefetchDigests(); // on the other CPU, while picocli builds its model
    }
    System.exit(execute(args));
  }

  /** Runs the command line and returns the exit code (does not exit). */
  public static int execute(String... args) {
    return commandLine(args).execute(args);
  }

  /** The whole command tree: the root and every subcommand. */
  static CommandLine commandLine() {
    return handled(new CommandLine(new Main()));
  }

  /**
   * The command tree that {@code args} need: for {@code run}, the root with {@code run} alone, else
   * the whole tree. picocli builds the model of every command it is given by reflection before it
   * parses anything (the benchmark, image, store and soak commands' options, their mixins and
   * converters): that was a fifth of the CPU time of a run of the tour. The root of the short tree
   * has the whole tree's name, so {@code run}'s help, errors and hints read the same.
   */
  static CommandLine commandLine(String... args) {
    if (args.length == 0 || !args[0].equals("run")) {
      return commandLine();
    }
    CommandLine root =
        new CommandLine(CommandSpec.create().name("jackal").mixinStandardHelpOptions(true));
    root.addSubcommand("run", new Run());
    return handled(root);
  }

  /** {@code cmd} with this command's handlers of usage errors and of failures. */
  private static CommandLine handled(CommandLine cmd) {
    cmd.setParameterExceptionHandler(Main::usageError);
    cmd.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("jackal: " + oneLine(String.valueOf(ex)));
          ex.printStackTrace(err);
          err.flush();
          return 1;
        });
    return cmd;
  }

  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    PrintWriter err = ex.getCommandLine().getErr();
    err.println("jackal: " + oneLine(ex.getMessage()));
    err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
    err.flush();
    return EXIT_USAGE;
  }

  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** No subcommand given. */
  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing command (run, image, bench, soak or test)");
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description =
          "Boot a system image: an image-language file (FILE.mki), or with no IMAGE the tour"
              + " (jackal/image/tour/tour.mki). Ends with status 0 after a SysCtl halt or powerdown"
              + " or when every process is idle with no fault, 1 if the image does not settle or a"
              + " process holds a fault nobody handled, 2 if the image has an error (printed as"
              + " FILE:LINE:COL: message); a quiet end or a timeout lists every process that did"
              + " not return and what it waits for.")
  static final class Run implements Callable<Integer> {
    @Parameters(
        index = "0",
        arity = "0..1",
        paramLabel = "IMAGE",
        description =
            "System image to boot: FILE.mki, or a file 'jackal image build' wrote; omit for the"
                + " tour.")
    String image;

    @CommandLine.Option(
        names = {"-I", "--include"},
        paramLabel = "DIR",
        description =
            "Look for imported modules and program jars in DIR too (repeatable; before the"
                + " standard modules).")
    List<Path> includes = new ArrayList<>();

    @CommandLine.Option(
        names = "--cpus",
        paramLabel = "N",
        description = "Simulated CPUs, 1-64 (default: the available processors).")
    Integer cpus;

    @CommandLine.Option(
        names = "--cpus-per-node",
        paramLabel = "N",
        description =
            "CPUs per node of close CPUs; idle CPUs steal within their node first, from another"
                + " node only when none of its CPUs is idle.")
    Integer cpusPerNode;

    @CommandLine.Option(
        names = "--nodes",
        paramLabel = "SETS",
        description =
            "Nodes of close CPUs as sets of CPU numbers, nodes separated by '/', e.g. 0,1/2,3"
                + " (overrides --cpus-per-node).")
    String nodes;

    @CommandLine.Option(
        names = "--oid-layout",
        paramLabel = "LAYOUT",
        description = "wide (default: 40-bit OID, 44-bit count) or coyotos-2007.")
    String oidLayout;

    @CommandLine.Option(
        names = "--cross-cpu-calls",
        paramLabel = "WHERE",
        description =
            "Where a call to a process on a CPU its caller may not run on runs: ship-and-stay"
                + " (default: on the recipient's CPU, a caller with nothing else to run waiting on"
                + " its own), ship (on the recipient's CPU, the caller leaving its own) or"
                + " at-caller (on the caller's CPU). The same results, at different speeds.")
    String crossCpuCalls;

    @CommandLine.Mixin SeeingOptions seeing = new SeeingOptions();

    @CommandLine.Option(
        names = "--store",
        paramLabel = "DIR",
        description =
            "Run a persistent system living in DIR: boot IMAGE into it if it holds no system yet"
                + " (naming an IMAGE for a DIR that holds one is an error), resume it otherwise;"
                + " checkpoints are written while it runs (see jackal store).")
    Path store;

    @CommandLine.Option(
        names = "--checkpoint-every",
        paramLabel = "MS",
        description =
            "With --store: a checkpoint every MS milliseconds (default 5000; 0: only when a"
                + " program declares a snapshot).")
    Long checkpointEvery;

    @CommandLine.Option(
        names = "--program-cache",
        paramLabel = "DIR",
        description =
            "Keep verified and prepared programs in DIR, so that the next run (or resume) does not"
                + " verify them again (default: DIR/programs of --store, else the build's"
                + " cli/target/program-cache when run by ./jackal; entries are checked before use"
                + " and made for this kernel's build only). The tour, run with no IMAGE and no"
                + " --store, is kept there built too (DIR/built-images), and booted from its build.")
    Path programCache;

    @CommandLine.Option(
        names = "--no-program-cache",
        description =
            "Verify every program in this JVM, build the tour from its source; keep nothing on"
                + " disk.")
    boolean noProgramCache;

    @Spec CommandSpec spec;

    /**
     * Where verified programs are kept across runs: {@code --program-cache}, else the store's
     * {@code programs} directory, else the build's {@code cli/target/program-cache} when the
     * launcher names the build ({@code jackal.home}); null with {@code --no-program-cache}.
     */
    static Path programCache(Path named, boolean none, Path store) {
      if (none) {
        return null;
      }
      if (named != null) {
        return named;
      }
      if (store != null) {
        return store.resolve("programs");
      }
      String home = System.getProperty("jackal.home");
      return home == null ? null : Path.of(home, "cli", "target", "program-cache");
    }

    /** {@code 0,1/2,3} to one CPU mask per node ({@code 0b0011, 0b1100}). */
    static long[] parseNodes(String text) {
      String[] sets = text.split("/", -1);
      long[] masks = new long[sets.length];
      for (int i = 0; i < sets.length; i++) {
        for (String cpu : sets[i].split(",", -1)) {
          int c;
          try {
            c = Integer.parseInt(cpu.strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--nodes: not a CPU number: '" + cpu + "'", e);
          }
          if (c < 0 || c > 63) {
            throw new IllegalArgumentException("--nodes: CPU " + c + " is not 0..63");
          }
          masks[i] |= 1L << c;
        }
      }
      return masks;
    }

    /** {@code --cross-cpu-calls}: at-caller, ship or ship-and-stay, as KernelConfig names them. */
    static KernelConfig.CrossCpuCalls parseCrossCpuCalls(String where) {
      return switch (where) {
        case "at-caller" -> KernelConfig.CrossCpuCalls.AT_CALLER;
        case "ship" -> KernelConfig.CrossCpuCalls.SHIP;
        case "ship-and-stay" -> KernelConfig.CrossCpuCalls.SHIP_AND_STAY;
        default ->
            throw new IllegalArgumentException(
                "--cross-cpu-calls: at-caller, ship or ship-and-stay, not '" + where + "'");
      };
    }

    @Override
    public Integer call() throws InterruptedException {
      KernelConfig cfg = KernelConfig.defaults().withConsole(System.out);
      try {
        if (cpus != null) {
          cfg = cfg.withCpus(cpus);
        }
        if (cpusPerNode != null) {
          cfg = cfg.withCpusPerNode(cpusPerNode);
        }
        if (nodes != null) {
          cfg = cfg.withNodes(parseNodes(nodes));
        }
        if (oidLayout != null) {
          cfg = cfg.withOidLayout(oidLayout);
        }
        if (crossCpuCalls != null) {
          cfg = cfg.withCrossCpuCalls(parseCrossCpuCalls(crossCpuCalls));
        }
        if (checkpointEvery != null) {
          cfg = cfg.withCheckpointMillis(checkpointEvery);
        }
        cfg = cfg.withProgramCache(programCache(programCache, noProgramCache, store));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      int code;
      DefaultImage.Observer observer = seeing.observer(System.out);
      try (var trace = seeing.startTrace(System.out)) {
        if (store != null) {
          code = StoreRun.run(image, includes, store, cfg, oidLayout == null, observer);
        } else if (image == null) {
          code = ImageBoot.runDefault(cfg, System.err, observer);
        } else if (image.endsWith(".mki")) {
          code = ImageBoot.run(Path.of(image), includes, cfg, System.err, observer);
        } else {
          code = bootBuiltImage(image, cfg, oidLayout == null, observer);
        }
      }
      System.out.flush();
      return code;
    }

    /**
     * An image that is not image-language source: a built image file (with {@code adoptLayout},
     * booted in the OID layout it was built in).
     */
    static int bootBuiltImage(
        String image, KernelConfig cfg, boolean adoptLayout, DefaultImage.Observer observer)
        throws InterruptedException {
      Path file = Path.of(image);
      return ImageFile.isImageFile(file)
          ? ImageCommand.boot(file, cfg, adoptLayout, observer)
          : DefaultImage.boot(image, cfg, observer);
    }
  }

  /** A soak's seed as given (decimal or 0x-hex), or a random one when none is. */
  static long seedOf(String seed) {
    if (seed == null) {
      return new java.security.SecureRandom().nextLong();
    }
    return seed.startsWith("0x") || seed.startsWith("0X")
        ? Long.parseUnsignedLong(seed.substring(2), 16)
        : Long.parseLong(seed);
  }

  @Command(
      name = "soak",
      mixinStandardHelpOptions = true,
      description =
          "Run the hostile-syscall fuzzer: random hostile system calls against an honest pair"
              + " (the long variant of SyscallFuzzTest); 'soak ledger' kills a persistent"
              + " ledger with SIGKILL and checks what its store kept.",
      subcommands = {SoakLedger.class})
  static final class Soak implements Callable<Integer> {
    @CommandLine.Option(
        names = "--calls",
        paramLabel = "N",
        description = "Hostile system calls to make (default: 10000000).")
    long calls = 10_000_000L;

    @CommandLine.Option(
        names = "--honest-calls",
        paramLabel = "N",
        description = "Calls the honest client makes meanwhile (default: 200000).")
    int honestCalls = 200_000;

    @CommandLine.Option(
        names = "--seed",
        paramLabel = "SEED",
        description = "Seed (decimal or 0x-hex); default: random. Printed, so a run replays.")
    String seed;

    @CommandLine.Option(
        names = "--minutes",
        paramLabel = "M",
        description = "Give up (and fail) after this long (default: 60).")
    long minutes = 60;

    @Override
    public Integer call() throws InterruptedException {
      long s = seedOf(seed);
      System.out.println("jackal soak: seed 0x" + Long.toHexString(s) + ", " + calls + " calls");
      SyscallFuzz.Result r =
          SyscallFuzz.run(s, calls, honestCalls, java.time.Duration.ofMinutes(minutes));
      System.out.println("jackal soak: " + r);
      System.out.flush();
      return r.ok() ? 0 : 1;
    }
  }

  /** Listed for --help; the ./jackal launcher handles {@code test} itself (mvn verify). */
  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description =
          "Run all tests (mvn -B verify with JDK 25; run by the ./jackal launcher). Arguments after"
              + " 'test' go to Maven, e.g. ./jackal test -pl runtime -am -Dtest=FaultTest.")
  static final class Test implements Callable<Integer> {
    @Unmatched List<String> mavenArgs;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "jackal: 'test' is run by the ./jackal launcher script (mvn verify); use ./jackal test");
      err.flush();
      return EXIT_USAGE;
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          p.load(in);
        }
      } catch (IOException ignored) {
        // fall through to "unknown"
      }
      return new String[] {
        "jackal " + p.getProperty("version", "unknown"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"
      };
    }
  }
}
