package jackal.image.file;

import jackal.image.ImageException;
import jackal.image.boot.ImageBoot;
import jackal.image.eval.Interpreter;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectRef;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds an image from its source: runs the image language on an unbooted kernel, starts the
 * processes the image made runnable, and takes the kernel's objects as a {@link KernelImage}.
 */
public final class ImageBuild {
  private ImageBuild() {}

  /**
   * Runs {@code source} into {@code kernel} (unbooted, nothing made yet) as {@code jackal run
   * FILE.mki} does ({@link ImageBoot#build}: the {@code -I} directories, then the standard
   * modules), and starts the processes the image made runnable; returns them. What the image prints
   * goes to {@code out}.
   */
  public static List<ObjectRef> run(
      Path source, List<Path> includes, Kernel kernel, PrintStream out)
      throws IOException, ImageException {
    List<ObjectRef> started = ImageBoot.build(kernel, source, includes, out);
    for (ObjectRef p : started) {
      kernel.start(p);
    }
    return started;
  }

  /**
   * Builds {@code source} on a kernel with settings {@code config} into an image file's bytes: the
   * kernel's objects and the CapIDL names its programs' jars carry (so that a trace of the file's
   * boot names their calls as a trace of the source's does).
   */
  public static byte[] build(Path source, List<Path> includes, KernelConfig config, PrintStream out)
      throws IOException, ImageException {
    try (Kernel k = Kernel.create(config)) {
      Interpreter in =
          new Interpreter(ImageBoot.searchPath(includes), out, Interpreter.DEFAULT_MAX_DEPTH, k);
      in.runFile(source);
      for (ObjectRef p : in.finish()) {
        k.start(p);
      }
      return ImageFile.encode(KernelImage.exportFrom(k), in.capIdlNames());
    }
  }
}
