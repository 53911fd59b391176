package jackal.image.boot;

import jackal.image.ImageException;
import jackal.image.eval.Interpreter;
import jackal.image.file.ImageFile;
import jackal.image.file.ImageFileException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.DefaultImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Boots a system image written in the image language: {@code jackal run FILE.mki [-I DIR]...}. The
 * image's modules run against a fresh kernel that is not booted yet; their objects, banks and
 * processes are the system, and the processes they made runnable start at boot. Imports are looked
 * up in the {@code -I} directories, then in the standard modules shipped with this module ({@code
 * jackal.runtime}, {@code jackal.process}, ...).
 */
public final class ImageBoot {
  private ImageBoot() {}

  /** Exit status of an image that does not build: the same as a usage error. */
  public static final int EXIT_IMAGE_ERROR = 2;

  /** The tour: what {@code jackal run} boots with no file. */
  static final String TOUR = "/jackal/image/tour/tour.mki";

  /** A file of the standard modules, to find their directory by. */
  private static final String LIB_MARKER = "/jackal/image/lib/jackal/runtime.mki";

  /** An image error raised inside {@link DefaultImage#run}'s build step, carried out of it. */
  private static final class Failed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Failed(Exception cause) {
      super(cause);
    }
  }

  /**
   * Boots {@code file} and runs it as {@code jackal run} does (see {@link DefaultImage#run});
   * returns the exit status. An image that does not build prints {@code FILE:LINE:COL: message} on
   * {@code err} and returns {@link #EXIT_IMAGE_ERROR}.
   */
  public static int run(Path file, List<Path> includes, KernelConfig cfg, PrintStream err)
      throws InterruptedException {
    return run(file, includes, cfg, err, DefaultImage.Observer.NONE);
  }

  /** As {@link #run(Path, List, KernelConfig, PrintStream)}, telling {@code observer}. */
  public static int run(
      Path file,
      List<Path> includes,
      KernelConfig cfg,
      PrintStream err,
      DefaultImage.Observer observer)
      throws InterruptedException {
    return boot(in -> in.runFile(file), includes, cfg, err, observer);
  }

  /** Boots the tour, the default image. */
  public static int runDefault(KernelConfig cfg, PrintStream err) throws InterruptedException {
    return runDefault(cfg, err, DefaultImage.Observer.NONE);
  }

  /**
   * As {@link #runDefault(KernelConfig, PrintStream)}, telling {@code observer}. With a program
   * cache ({@link KernelConfig#programCache}) the tour is built once and kept, built, in its
   * {@value #BUILT_IMAGES} directory ({@link BuiltImageCache}); later runs boot it from there.
   */
  public static int runDefault(KernelConfig cfg, PrintStream err, DefaultImage.Observer observer)
      throws InterruptedException {
    String name = tourPath().toString();
    String source;
    try {
      source = tourSource();
    } catch (IOException e) {
      err.println("jackal: cannot read the image: " + e.getMessage());
      err.flush();
      return EXIT_IMAGE_ERROR;
    }
    if (cfg.programCache() == null) {
      return boot(in -> in.runSource(name, source), List.of(), cfg, err, observer);
    }
    return runBuilt(
        new BuiltImageCache(cfg.programCache().resolve(BUILT_IMAGES)),
        name,
        source,
        cfg,
        err,
        observer);
  }

  /**
   * Starts computing, on a daemon thread of its own, the digests a run of the default image keys
   * its caches by (the kernel's build for the program cache, the code that makes the image for the
   * built image), so that they overlap the start of the command (its parsing) on another CPU. Each
   * is computed once per JVM; a run that reaches one first waits for it.
   */
  public static void prefetchDigests() {
    Thread.ofPlatform()
        .name("jackal digests")
        .daemon()
        .start(
            () -> {
              Kernel.build();
              BuiltImageCache.codeDigest();
            });
  }

  /** The program cache's subdirectory that holds built default images. */
  static final String BUILT_IMAGES = "built-images";

  /** A built image refused when it was loaded into the kernel, carried out of the boot. */
  private static final class Stale extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stale(ImageFileException cause) {
      super(cause);
    }
  }

  /**
   * Boots the image of {@code source} (named {@code name}, importing only the standard modules)
   * from its build kept in {@code cache}, building it there first if it is not (or is refused).
   * Prints what building it printed, then runs as {@link #boot} does; exit status as {@link #run}.
   */
  static int runBuilt(
      BuiltImageCache cache,
      String name,
      String source,
      KernelConfig cfg,
      PrintStream err,
      DefaultImage.Observer observer)
      throws InterruptedException {
    String key = BuiltImageCache.key(name, source, settings(cfg));
    BuiltImageCache.Entry entry = cache.find(key);
    ImageFile.Parsed parsed = null;
    boolean kept = entry != null;
    if (entry != null) {
      try {
        parsed = ImageFile.decode(entry.image(), cache.directory().resolve(key).toString());
      } catch (ImageFileException e) {
        cache.refuse(key, "holds an image file that is refused: " + e.getMessage());
        entry = null;
        kept = false;
      }
    }
    if (parsed == null) {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      byte[] image;
      try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);
          Kernel k = Kernel.create(cfg)) {
        Interpreter in =
            new Interpreter(searchPath(List.of()), out, Interpreter.DEFAULT_MAX_DEPTH, k);
        in.runSource(name, source);
        for (ObjectRef p : in.finish()) {
          k.start(p);
        }
        image = ImageFile.encode(KernelImage.exportFrom(k), in.capIdlNames());
      } catch (ImageException e) {
        cfg.console().write(printed.toByteArray(), 0, printed.size());
        cfg.console().flush();
        err.println(e.getMessage());
        err.flush();
        return EXIT_IMAGE_ERROR;
      }
      entry = new BuiltImageCache.Entry(printed.toByteArray(), image);
      try {
        parsed = ImageFile.decode(image, name);
      } catch (ImageFileException e) {
        throw new IllegalStateException(
            "an image just built does not decode: " + e.getMessage(), e);
      }
      cache.keep(key, entry);
    }
    byte[] printed = entry.printed();
    cfg.console().write(printed, 0, printed.length);
    ImageFile.Parsed built = parsed;
    try {
      return DefaultImage.run(
          cfg,
          k -> {
            try {
              return built.loadInto(k);
            } catch (ImageFileException e) {
              throw new Stale(e);
            }
          },
          DefaultImage.SETTLE,
          observer);
    } catch (Stale s) {
      if (!kept) {
        throw new IllegalStateException(
            "the kernel refused an image just built: " + s.getCause().getMessage(), s.getCause());
      }
      // The kernel refused an object of the kept image: it is deleted, and the image built afresh.
      cache.refuse(key, "holds an image the kernel refused: " + s.getCause().getMessage());
      return runBuilt(cache, name, source, cfg, err, observer);
    }
  }

  /** The kernel settings a built image's objects depend on. */
  private static String settings(KernelConfig cfg) {
    return "layout "
        + cfg.oidLayout()
        + " oids "
        + cfg.oidsPerType()
        + " cpus "
        + cfg.cpus()
        + " per-node "
        + cfg.cpusPerNode()
        + " nodes "
        + cfg.nodes()
        + " capture "
        + cfg.capture();
  }

  /** What runs an image's main module. */
  @FunctionalInterface
  interface Main {
    void run(Interpreter in) throws IOException, ImageException;
  }

  private static int boot(
      Main main,
      List<Path> includes,
      KernelConfig cfg,
      PrintStream err,
      DefaultImage.Observer observer)
      throws InterruptedException {
    List<Path> path = searchPath(includes);
    try {
      return DefaultImage.run(
          cfg, k -> build(k, main, path, cfg.console()), DefaultImage.SETTLE, observer);
    } catch (Failed f) {
      err.println(
          f.getCause() instanceof ImageException e
              ? e.getMessage()
              : "jackal: cannot read the image: " + f.getCause().getMessage());
      err.flush();
      return EXIT_IMAGE_ERROR;
    }
  }

  private static List<ObjectRef> build(Kernel k, Main main, List<Path> path, PrintStream out) {
    Interpreter in = new Interpreter(path, out, Interpreter.DEFAULT_MAX_DEPTH, k);
    try {
      main.run(in);
    } catch (IOException | ImageException e) {
      throw new Failed(e);
    }
    return in.finish();
  }

  /**
   * Builds the tour, the default image, in {@code k} (not booted) and returns the processes to
   * start: for tools that boot it themselves ({@code jackal run --store}).
   */
  public static List<ObjectRef> buildTour(Kernel k, PrintStream out)
      throws IOException, ImageException {
    Interpreter in = new Interpreter(searchPath(List.of()), out, Interpreter.DEFAULT_MAX_DEPTH, k);
    in.runSource(tourPath().toString(), tourSource());
    return in.finish();
  }

  /**
   * Builds the image {@code file} in {@code k} (not booted) and returns the processes to start: for
   * tests and tools that boot it themselves.
   */
  public static List<ObjectRef> build(Kernel k, Path file, List<Path> includes, PrintStream out)
      throws IOException, ImageException {
    Interpreter in = new Interpreter(searchPath(includes), out, Interpreter.DEFAULT_MAX_DEPTH, k);
    in.runFile(file);
    return in.finish();
  }

  /** {@code includes}, then the standard modules' directory. */
  public static List<Path> searchPath(List<Path> includes) {
    List<Path> path = new ArrayList<>(includes);
    path.add(standardModules());
    return path;
  }

  /** The directory of the standard modules (inside this module's jar when run from one). */
  public static Path standardModules() {
    return resource(LIB_MARKER).getParent().getParent();
  }

  private static Path tourPath() {
    return resource(TOUR);
  }

  private static String tourSource() throws IOException {
    return java.nio.file.Files.readString(tourPath());
  }

  static Path resource(String name) {
    URL url = ImageBoot.class.getResource(name);
    if (url == null) {
      throw new IllegalStateException("resource " + name + " is missing from jackal.image");
    }
    try {
      URI uri = url.toURI();
      if (uri.getScheme().equals("jar")) {
        try {
          FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
          // another caller opened the jar already; Path.of finds it
        }
      }
      return Path.of(uri);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
