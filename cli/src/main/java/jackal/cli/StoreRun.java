package jackal.cli;

import jackal.image.ImageException;
import jackal.image.boot.ImageBoot;
import jackal.image.file.ImageFile;
import jackal.image.file.ImageFileException;
import jackal.image.store.Store;
import jackal.image.store.StoreException;
import jackal.kernel.boot.CheckpointIncompleteException;
import jackal.kernel.boot.ImageRefusedException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.DefaultImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code jackal run [IMAGE] --store DIR}: boots the image (the tour if none is named) into DIR when
 * DIR holds no system, writing its first checkpoint before the CPUs start, and resumes the system
 * DIR holds otherwise; while it runs, a checkpoint is written every {@code --checkpoint-every}
 * milliseconds and whenever a program declares a snapshot; when it settles, a last one is tried.
 */
final class StoreRun {
  private StoreRun() {}

  /** How long a cut waits for every program to be capturable. */
  static final Duration BOUND = Duration.ofSeconds(2);

  /** Raised when the image or the store refuses; carries the exit status and message. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  /**
   * Runs as {@code jackal run} does; returns the exit status (2 if an image is named for a store
   * that holds a system, or the image has an error; 1 if the store cannot be read).
   */
  static int run(
      String image,
      List<Path> includes,
      Path dir,
      KernelConfig cfg,
      boolean adoptLayout,
      DefaultImage.Observer observer) {
    PrintStream out = cfg.console();
    try (Store store = Store.open(dir)) {
      // A system that persists makes its programs capturable, so that a checkpoint can hold
      // every running program (docs/PERSISTENCE.md, section 3).
      KernelConfig config = cfg.withCapture(true);
      // Recovered once: a resume's whole log is read and decoded here, and a second decode would
      // double the longest step of a restart after the JVM's own start.
      Store.Recovered resumed = null;
      if (store.holdsSystem()) {
        if (image != null) {
          System.err.println(
              "jackal: "
                  + dir
                  + " already holds a system (generation "
                  + store.generation()
                  + "); run without IMAGE to resume it, or name an empty directory");
          return Main.EXIT_USAGE;
        }
        resumed = store.recover();
        if (adoptLayout) {
          config = config.withOidLayout(resumed.image().oidLayout());
        }
      }
      // Handed over once, then dropped: the decoded image is not kept for the whole run.
      AtomicReference<Store.Recovered> recovered = new AtomicReference<>(resumed);
      return DefaultImage.run(
          config,
          k -> build(k, store, recovered.getAndSet(null), image, includes, dir, out),
          Duration.ofDays(3650),
          persisting(store, observer, out));
    } catch (StoreException e) {
      out.println("jackal: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      out.println("jackal: cannot use the store " + dir + ": " + e.getMessage());
      return 1;
    } catch (Refused r) {
      (r.status == 1 ? out : System.err).println("jackal: " + r.getMessage());
      return r.status;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /**
   * Resumes the store's system in {@code k} ({@code recovered}, if the caller read it already), or
   * builds the image and writes the first checkpoint.
   */
  private static List<ObjectRef> build(
      Kernel k,
      Store store,
      Store.Recovered recovered,
      String image,
      List<Path> includes,
      Path dir,
      PrintStream out) {
    try {
      Store.Recovered r = recovered;
      if (r == null && store.holdsSystem()) {
        r = store.recover(); // a reboot: the system as the store holds it now
      }
      if (r != null) {
        out.println(
            "jackal: resuming "
                + dir
                + " at generation "
                + r.generation()
                + " ("
                + r.image().objects().size()
                + " objects)"
                + (r.note() == null ? "" : "; " + r.note()));
        k.resume(r.image(), r.clock(), r.programs());
        return List.of();
      }
      List<ObjectRef> run;
      if (image == null) {
        run = ImageBoot.buildTour(k, out);
      } else if (image.endsWith(".mki")) {
        run = ImageBoot.build(k, Path.of(image), includes, out);
      } else if (ImageFile.isImageFile(Path.of(image))) {
        run = ImageFile.read(Path.of(image)).loadInto(k);
      } else {
        throw new Refused(
            Main.EXIT_USAGE, image + " is neither an image source (.mki) nor an image file");
      }
      for (ObjectRef p : run) {
        k.start(p);
      }
      k.checkpoint(store, true, BOUND);
      out.println(
          "jackal: booting "
              + (image == null ? "the tour" : image)
              + " into "
              + dir
              + " (generation "
              + store.generation()
              + ")");
      return List.of();
    } catch (StoreException e) {
      throw new Refused(1, e.getMessage());
    } catch (ImageException e) {
      throw new Refused(ImageBoot.EXIT_IMAGE_ERROR, e.getMessage());
    } catch (ImageFileException | ImageRefusedException e) {
      throw new Refused(1, e.getMessage());
    } catch (CheckpointIncompleteException e) {
      throw new Refused(1, "the first checkpoint of " + dir + " failed: " + e.getMessage());
    } catch (IOException e) {
      throw new Refused(
          1, "cannot read " + (store.holdsSystem() ? dir : image) + ": " + e.getMessage());
    }
  }

  /** Attaches the store when the system boots, and tries a last checkpoint when it settles. */
  private static DefaultImage.Observer persisting(
      Store store, DefaultImage.Observer inner, PrintStream out) {
    return new DefaultImage.Observer() {
      @Override
      public void booted(Kernel running) {
        running.persist(store, BOUND);
        inner.booted(running);
      }

      @Override
      public void settled(Kernel running) throws InterruptedException {
        inner.settled(running);
        if (running.halted().isPresent()) {
          // The CPUs have stopped: no program can come to a capture point any more. The store
          // keeps the last checkpoint before the halt; a resume runs on from it (and halts again).
          out.println(
              "jackal: the system halted; the store keeps generation " + store.generation());
          return;
        }
        try {
          running.checkpoint(store, false, Duration.ofSeconds(1));
          out.println("jackal: checkpoint " + store.generation() + " written");
        } catch (CheckpointIncompleteException e) {
          out.println(
              "jackal: the last checkpoint was not taken ("
                  + e.getMessage()
                  + "); the store keeps generation "
                  + store.generation());
        }
      }
    };
  }
}
