package jackal.cli;

import jackal.image.ImageException;
import jackal.image.file.ImageBuild;
import jackal.image.file.ImageFile;
import jackal.image.file.ImageFileException;
import jackal.image.file.ImageView;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.SystemView;
import jackal.runtime.DefaultImage;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jackal image build|show}: system images built into files. */
@Command(
    name = "image",
    mixinStandardHelpOptions = true,
    description = "Build a system image into a file, or list what a built image holds.",
    subcommands = {ImageCommand.Build.class, ImageCommand.Show.class})
final class ImageCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (build or show)");
  }

  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description =
          "Run an image source (.mki) and write the system it builds (its objects, OID counters"
              + " and the processes to start) to an image file that ./jackal run boots. Exit"
              + " status 2 for an error in the source, with its FILE:LINE:COL.")
  static final class Build implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.mki", description = "The image source.")
    Path source;

    @Option(
        names = "-I",
        paramLabel = "DIR",
        description =
            "Look for imported modules and program jars in DIR too (repeatable; before the"
                + " standard modules), as jackal run FILE.mki does.")
    List<Path> includes = new ArrayList<>();

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "OUT",
        description = "The image file to write.")
    Path out;

    @Option(
        names = "--oid-layout",
        paramLabel = "LAYOUT",
        description = "wide (default: 40-bit OID, 44-bit count) or coyotos-2007.")
    String oidLayout;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      KernelConfig cfg = KernelConfig.defaults().withConsole(System.out);
      if (oidLayout != null) {
        try {
          cfg = cfg.withOidLayout(oidLayout);
        } catch (IllegalArgumentException e) {
          throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
      }
      PrintWriter err = spec.commandLine().getErr();
      byte[] bytes;
      try {
        bytes = ImageBuild.build(source, includes, cfg, System.out);
      } catch (ImageException e) {
        err.println(e.getMessage());
        err.flush();
        return Main.EXIT_USAGE;
      } catch (IOException e) {
        err.println("jackal: cannot read " + source + ": " + e);
        err.flush();
        return 1;
      }
      try {
        Files.write(out, bytes);
      } catch (IOException e) {
        err.println("jackal: cannot write " + out + ": " + e);
        err.flush();
        return 1;
      }
      System.out.println("jackal: wrote " + out + " (" + bytes.length + " bytes)");
      return 0;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "List a built image: its objects, the processes with their state and capabilities, the"
              + " endpoints, GPTs, capability pages and pages, and the run list; the same listing"
              + " (or graph) jackal run --dump prints of a running system.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "A file image build wrote.")
    Path file;

    @Option(
        names = "--format",
        paramLabel = "FORMAT",
        description = "text (default) or dot (the capability graph in Graphviz DOT).")
    String format = "text";

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      if (!format.equals("text") && !format.equals("dot")) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--format takes text or dot, not " + format);
      }
      SystemView view;
      try {
        view = ImageView.of(ImageFile.read(file));
      } catch (ImageFileException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("jackal: " + e.getMessage());
        err.flush();
        return 1;
      } catch (IOException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("jackal: cannot read " + file + ": " + e);
        err.flush();
        return 1;
      }
      System.out.print(format.equals("dot") ? view.dot() : view.text());
      System.out.flush();
      return 0;
    }
  }

  /**
   * Boots the image file {@code file} as {@code jackal run} boots the built-in image (same ending,
   * report and exit status). With {@code adoptLayout}, the kernel takes the file's OID layout.
   */
  static int boot(Path file, KernelConfig cfg, boolean adoptLayout) throws InterruptedException {
    return boot(file, cfg, adoptLayout, DefaultImage.Observer.NONE);
  }

  /** As {@link #boot(Path, KernelConfig, boolean)}, with {@code observer} told of the system. */
  static int boot(Path file, KernelConfig cfg, boolean adoptLayout, DefaultImage.Observer observer)
      throws InterruptedException {
    PrintStream out = cfg.console();
    ImageFile.Parsed parsed;
    try {
      parsed = ImageFile.read(file);
    } catch (IOException e) {
      out.println("jackal: cannot read " + file + ": " + e.getMessage());
      return 1;
    } catch (ImageFileException e) {
      out.println("jackal: " + e.getMessage());
      return 1;
    }
    KernelConfig config = adoptLayout ? cfg.withOidLayout(parsed.image().oidLayout()) : cfg;
    out.println(
        "jackal: booting "
            + file
            + " ("
            + parsed.image().objects().size()
            + " objects) on "
            + config.cpus()
            + " CPUs");
    try {
      return DefaultImage.run(
          config,
          k -> {
            try {
              return parsed.loadInto(k);
            } catch (ImageFileException e) {
              throw new Refused(e);
            }
          },
          DefaultImage.SETTLE,
          observer);
    } catch (Refused r) {
      out.println("jackal: " + r.getCause().getMessage());
      return 1;
    }
  }

  /** Carries a refusal out of the image-building callback. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(ImageFileException e) {
      super(e);
    }
  }
}
