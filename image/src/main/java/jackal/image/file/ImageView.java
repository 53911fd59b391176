package jackal.image.file;

import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.SystemView;
import jackal.services.boot.BankTree;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * What {@code jackal image show} prints: the {@link SystemView} of a kernel that loaded the image
 * and was not booted, the same model (and the same text and graph) that {@code jackal run --dump}
 * takes from the running system, with the bank tree the image gave the space bank ({@link
 * BankTree}). Loading checks the image as booting it would, so a file that shows is a file that
 * boots.
 */
public final class ImageView {
  private ImageView() {}

  /** The view of the system {@code parsed} holds, before boot (its run list included). */
  public static SystemView of(ImageFile.Parsed parsed) throws ImageFileException {
    KernelConfig config =
        KernelConfig.defaults()
            .withOidLayout(parsed.image().oidLayout())
            .withConsole(new PrintStream(OutputStream.nullOutputStream()));
    try (Kernel k = Kernel.create(config)) {
      for (ObjectRef p : parsed.loadInto(k)) {
        k.start(p);
      }
      return BankTree.attach(k, k.view());
    }
  }
}
