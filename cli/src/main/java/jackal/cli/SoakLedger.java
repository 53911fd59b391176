package jackal.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jackal soak ledger}: the ledger workload killed with SIGKILL and restarted (issue 12). */
@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description =
        "Run the ledger workload (examples/ledger) in a child JVM with a store, kill it with"
            + " SIGKILL at seeded random moments and restart it from its store each time; after"
            + " every kill check the store (as 'jackal store check' does) and the ledger it holds"
            + " (total conserved, each committed transfer applied exactly once, nothing committed"
            + " lost); every run the kills let finish must end as an uninterrupted run ends. Prints"
            + " the seed, a line per kill and the result; exit status 0 if every check passed.")
final class SoakLedger implements Callable<Integer> {
  @CommandLine.Option(
      names = "--kills",
      paramLabel = "N",
      description = "Kills to make (default: 1000).")
  int kills = 1000;

  @CommandLine.Option(
      names = "--seed",
      paramLabel = "SEED",
      description = "Seed of the kill moments (decimal or 0x-hex); default: random. Printed.")
  String seed;

  @CommandLine.Option(
      names = "--checkpoint-every",
      paramLabel = "MS",
      description = "The children's checkpoint interval (default: 40).")
  long checkpointMillis = 40;

  @CommandLine.Option(
      names = "--max-delay",
      paramLabel = "MS",
      description = "Longest delay from a child's start of running to its kill (default: 1500).")
  long maxDelayMillis = 1500;

  @CommandLine.Option(
      names = "--cpus",
      paramLabel = "N",
      description = "The children's simulated CPUs (default: 2).")
  int cpus = 2;

  @CommandLine.Option(
      names = "--image",
      paramLabel = "FILE",
      description = "The ledger's image (default: examples/ledger/ledger.mki of the checkout).")
  Path image;

  @CommandLine.Option(
      names = "--work",
      paramLabel = "DIR",
      description = "Where the stores go (default: a temporary directory, removed if all passed).")
  Path work;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path img = image;
    if (img == null) {
      img = Path.of(System.getProperty("jackal.home", ".")).resolve("examples/ledger/ledger.mki");
    }
    img = img.toAbsolutePath().normalize();
    if (!Files.isRegularFile(img)) {
      throw new CommandLine.ParameterException(spec.commandLine(), img + " is not a file");
    }
    if (kills < 0 || checkpointMillis < 1 || maxDelayMillis < 0 || cpus < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--kills, --max-delay must be at least 0, --checkpoint-every and --cpus at least 1");
    }
    long s = Main.seedOf(seed);
    Path dir = work != null ? work : Files.createTempDirectory("jackal-ledger-soak");
    LedgerSoak.Result r =
        LedgerSoak.run(
            new LedgerSoak.Options(
                img,
                dir.toAbsolutePath(),
                kills,
                s,
                checkpointMillis,
                Duration.ofMillis(maxDelayMillis),
                Duration.ofMinutes(5),
                cpus),
            System.out);
    if (r.ok() && work == null) {
      LedgerSoak.deleteTree(dir);
    } else if (!r.ok()) {
      System.out.println("ledger soak: the stores are kept in " + dir);
    }
    System.out.flush();
    return r.ok() ? 0 : 1;
  }
}
