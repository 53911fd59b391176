package jackal.cli;

import jackal.image.store.Store;
import jackal.image.store.StoreCheck;
import jackal.image.store.StoreException;
import jackal.kernel.boot.KernelConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code jackal store show|check}: the directory a persistent system lives in. */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description =
        "List or check a store, the directory a system run with 'jackal run --store DIR' lives in.",
    subcommands = {StoreCommand.Show.class, StoreCommand.Check.class})
final class StoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (show or check)");
  }

  /** The kernel setting {@code store check} loads a store's system with. */
  static KernelConfig checkConfig(PrintStream console) {
    return KernelConfig.defaults().withConsole(console);
  }

  static Path existing(CommandSpec spec, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new CommandLine.ParameterException(spec.commandLine(), dir + " is not a directory");
    }
    return dir;
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "List what a store holds: its generations, then the system of the newest committed one"
              + " (objects, capabilities, processes). Exit status 1 if the store cannot be read.")
  static final class Show implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The store.")
    Path dir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (Store store = Store.open(existing(spec, dir))) {
        System.out.print(StoreCheck.show(store));
        System.out.flush();
        return 0;
      } catch (StoreException e) {
        System.out.println("jackal: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        System.out.println("jackal: cannot read " + dir + ": " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description =
          "Check a store (fsck): every checksum of the committed log, and the system it holds as a"
              + " resume would load it: every capability names an object the store holds or"
              + " behaves as Null, counts and OID counters consistent. Exit status 0 if good, 1"
              + " if not (each problem printed, naming the file, generation and offset or object).")
  static final class Check implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "The store.")
    Path dir;

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      StoreCheck.Result r;
      try (Store store = Store.open(existing(spec, dir))) {
        r = StoreCheck.check(store, checkConfig(System.out));
      } catch (StoreException e) {
        System.out.println("jackal: " + e.getMessage());
        return 1;
      } catch (IOException e) {
        System.out.println("jackal: cannot read " + dir + ": " + e.getMessage());
        return 1;
      }
      for (String p : r.problems()) {
        System.out.println("jackal: " + p);
      }
      if (r.ok()) {
        System.out.println(r.summary());
        System.out.println("store check: ok");
      }
      System.out.flush();
      return r.ok() ? 0 : 1;
    }
  }
}
