package jackal.image.store;

import jackal.kernel.boot.ImageRefusedException;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelImage;
import jackal.kernel.boot.ObjectState;
import jackal.kernel.boot.ProgramState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code jackal store check} and {@code jackal store show}: a store's fsck and its listing. The
 * check reads every committed generation (each checksum), then loads the system the store holds
 * into a kernel that is never booted, which checks every invariant of an image: every capability
 * names an object the store holds (a capability whose count is older than its object's behaves as
 * Null, as it would at run time) and is never newer, the OID counters are in range, each process's
 * state is one it can be in; and that each process's program state names a process.
 */
public final class StoreCheck {
  private StoreCheck() {}

  /** The result: the problems found (none: the store is good) and a summary. */
  public record Result(List<String> problems, String summary) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** Checks the store in {@code store}'s directory as a kernel with {@code cfg} would resume it. */
  public static Result check(Store store, KernelConfig cfg) {
    List<String> problems = new ArrayList<>();
    if (!store.holdsSystem()) {
      problems.add(store.where() + ": holds no system (no checkpoint was ever committed)");
      return new Result(problems, "");
    }
    Store.Recovered r;
    try {
      r = store.recover();
    } catch (StoreException e) {
      problems.add(e.getMessage());
      return new Result(problems, "");
    } catch (IOException e) {
      problems.add(store.where() + ": cannot read: " + e.getMessage());
      return new Result(problems, "");
    }
    KernelImage image = r.image();
    Set<Long> processes = new HashSet<>();
    for (ObjectState s : image.objects()) {
      if (s.obType() == 3) {
        processes.add(s.oid());
      }
    }
    for (ProgramState p : r.programs()) {
      if (!processes.contains(p.oid())) {
        problems.add(
            "generation "
                + r.generation()
                + ": program state for Process#"
                + p.oid()
                + ", which the store does not hold");
      }
    }
    // A store's system is one whose programs are capturable: the program states are restored
    // (their frame checked) as a resume does.
    try (Kernel k = Kernel.create(cfg.withOidLayout(image.oidLayout()).withCapture(true))) {
      k.resume(image, r.clock(), r.programs());
    } catch (ImageRefusedException e) {
      String where =
          e.objectIndex() >= 0 && e.part() == ImageRefusedException.Part.OBJECT
              ? " (" + name(image.objects().get(e.objectIndex())) + ")"
              : "";
      problems.add("generation " + r.generation() + where + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      problems.add("generation " + r.generation() + ": " + e.getMessage());
    }
    return new Result(problems, summary(store, r));
  }

  private static String name(ObjectState s) {
    return List.of("Page", "CapPage", "GPT", "Process", "Endpoint").get(s.obType()) + "#" + s.oid();
  }

  private static String summary(Store store, Store.Recovered r) {
    int[] counts = new int[5];
    for (ObjectState s : r.image().objects()) {
      counts[s.obType()]++;
    }
    return String.format(
        "%s: generation %d of %d in the log; %d objects (%d pages, %d capability pages, %d GPTs,"
            + " %d processes, %d endpoints); %d processes with program state",
        store.where(),
        r.generation(),
        r.generations().size(),
        r.image().objects().size(),
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        counts[4],
        r.programs().stream().filter(p -> p.program() != null).count());
  }

  /**
   * What the store holds, for a person: the commit, every generation of the log, then the system
   * (objects, OID counters, the processes to start) as {@code jackal image show} lists an image.
   */
  public static String show(Store store) throws IOException, StoreException {
    StringBuilder b = new StringBuilder();
    if (!store.holdsSystem()) {
      return store.where() + ": holds no system\n";
    }
    Store.Recovered r = store.recover();
    b.append(summary(store, r)).append('\n');
    b.append(String.format("clock at the cut: %.3f s%n", r.clock() / 1e9));
    if (r.note() != null) {
      b.append("note: ").append(r.note()).append('\n');
    }
    b.append("generations:\n");
    for (Store.Generation g : r.generations()) {
      b.append(
          String.format(
              "  %6d  %s @%d  %d bytes  %s  %d objects%n",
              g.number(),
              g.segment(),
              g.offset(),
              g.length(),
              g.full() ? "full" : "incremental",
              g.objects()));
    }
    b.append("program states:\n");
    for (ProgramState p : r.programs()) {
      b.append("  Process#")
          .append(p.oid())
          .append(
              p.exited()
                  ? ": returned"
                  : p.program() != null ? ": running, " + p.program().length + " bytes" : "")
          .append('\n');
    }
    // The system as a kernel that loaded it and was not booted sees it: the listing `jackal image
    // show` and `jackal run --dump` print.
    KernelConfig config =
        KernelConfig.defaults()
            .withOidLayout(r.image().oidLayout())
            .withCapture(true)
            .withConsole(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    try (Kernel k = Kernel.create(config)) {
      k.resume(r.image(), r.clock(), r.programs());
      b.append(k.view().text());
    } catch (ImageRefusedException | IllegalArgumentException e) {
      b.append("the system does not load: ").append(e.getMessage()).append('\n');
    }
    return b.toString();
  }
}
