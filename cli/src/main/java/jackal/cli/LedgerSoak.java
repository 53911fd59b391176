package jackal.cli;

import jackal.image.store.Store;
import jackal.image.store.StoreCheck;
import jackal.image.store.StoreException;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The SIGKILL soak of the ledger workload (issue 12): a child JVM runs {@code jackal run IMAGE
 * --store DIR --checkpoint-every MS}; it is killed with SIGKILL ({@link Process#destroyForcibly})
 * at moments drawn from a seed, and started again with {@code jackal run --store DIR} each time.
 * After every kill the store is checked as {@code jackal store check} checks it, and the ledger it
 * holds as {@link LedgerCheck} does (total conserved, each committed transfer applied exactly once,
 * a consistent cut, no committed work lost). A run the kills let finish must end with the line an
 * uninterrupted run ends with; then the next round starts in a fresh store, until the kills are
 * spent, and the last round is let finish.
 *
 * <p>Kill moments: one kill in eight at a moment from the child's start (its JVM starting, the
 * store's recovery, the system loading); two in eight aimed at a write-out (after a uniform delay
 * from the child's "booting ... into" or "resuming" line, the moment the store's log grows: a
 * generation written, not yet committed); the others a uniform delay after that line. Besides, many
 * moments fall inside a checkpoint's write-out; those that fall between the write of a generation
 * and its commit are seen afterwards as bytes past the committed end that no earlier kill left
 * there (a new uncommitted generation), and counted.
 */
final class LedgerSoak {
  /**
   * How the soak runs.
   *
   * @param image the ledger's image (examples/ledger/ledger.mki)
   * @param work a directory for the rounds' stores (each round's is emptied first)
   * @param kills how many kills to make
   * @param seed the seed of the kill moments
   * @param checkpointMillis the children's {@code --checkpoint-every}
   * @param maxDelay the longest delay between a child's "runs" line and its kill
   * @param childTimeout how long one child may run before the soak gives up
   * @param cpus the children's {@code --cpus}
   */
  record Options(
      Path image,
      Path work,
      int kills,
      long seed,
      long checkpointMillis,
      Duration maxDelay,
      Duration childTimeout,
      int cpus) {}

  /**
   * What the soak did.
   *
   * @param kills children killed
   * @param restarts children started on a store that already held a system
   * @param rounds runs that finished (each with the uninterrupted run's line)
   * @param inWriteOut kills after which the store held a new uncommitted generation
   * @param committedTransfers the most transfers a check found committed, summed over rounds
   * @param problems everything that went wrong; empty if the soak passed
   */
  record Result(
      int kills,
      int restarts,
      int rounds,
      int inWriteOut,
      long committedTransfers,
      Duration time,
      List<String> problems) {
    boolean ok() {
      return problems.isEmpty();
    }

    @Override
    public String toString() {
      return kills
          + " kills ("
          + inWriteOut
          + " inside a checkpoint's write-out), "
          + restarts
          + " restarts, "
          + rounds
          + " runs finished with the uninterrupted result, "
          + committedTransfers
          + " transfers seen committed, "
          + time.toSeconds()
          + " s: "
          + (ok() ? "ok" : problems.size() + " problems");
    }
  }

  private final Options opt;
  private final PrintStream log;
  private final SplittableRandom random;
  private final List<String> problems = new ArrayList<>();
  private int kills;
  private int restarts;
  private int rounds;
  private int inWriteOut;
  private long committed;

  private LedgerSoak(Options opt, PrintStream log) {
    this.opt = opt;
    this.log = log;
    this.random = new SplittableRandom(opt.seed());
  }

  /** Runs the soak; {@code log} gets the seed, one line per kill, and the result. */
  static Result run(Options opt, PrintStream log) throws IOException, InterruptedException {
    return new LedgerSoak(opt, log).soak();
  }

  private Result soak() throws IOException, InterruptedException {
    long start = System.nanoTime();
    log.println(
        "ledger soak: seed 0x"
            + Long.toHexString(opt.seed())
            + ", "
            + opt.kills()
            + " kills, a checkpoint every "
            + opt.checkpointMillis()
            + " ms, "
            + opt.image());
    Files.createDirectories(opt.work());
    // The uninterrupted run has a store too (checkpoints only when a program declares one, so
    // none): a run without one must settle within DefaultImage.SETTLE, which a loaded host, and
    // a soak run under nice, does not always allow; with one it has no time limit.
    Path uninterrupted = opt.work().resolve("uninterrupted");
    deleteTree(uninterrupted);
    List<String> once =
        new ArrayList<>(runCommand(opt.image(), uninterrupted, false, 0, opt.cpus()));
    once.add("--program-cache");
    once.add(opt.work().resolve("programs").toAbsolutePath().toString());
    Child reference = Child.start(once, opt.work());
    reference.waitFor(opt.childTimeout());
    String expected = reference.finalLine();
    if (reference.exitCode() != 0 || expected == null) {
      problems.add(
          "the uninterrupted run ended with status "
              + reference.exitCode()
              + " and no final line:\n"
              + reference.output());
      return result(start);
    }
    log.println("ledger soak: an uninterrupted run ends with: " + expected);
    while (problems.isEmpty() && (kills < opt.kills() || rounds == 0)) {
      round(expected);
    }
    return result(start);
  }

  private Result result(long start) {
    Result r =
        new Result(
            kills,
            restarts,
            rounds,
            inWriteOut,
            committed,
            Duration.ofNanos(System.nanoTime() - start),
            List.copyOf(problems));
    log.println("ledger soak: " + r);
    for (String p : problems) {
      log.println("ledger soak: PROBLEM " + p);
    }
    return r;
  }

  /** One run in a fresh store: killed until the kills are spent or it finishes. */
  private void round(String expected) throws IOException, InterruptedException {
    Path dir = opt.work().resolve("round-" + (rounds + 1));
    deleteTree(dir);
    LedgerCheck.State before = null;
    long generation = 0;
    Tail tail = null;
    List<String> finals = new ArrayList<>(); // the final lines every run of this round printed
    for (; ; ) {
      boolean holds = holdsSystem(dir);
      if (holds) {
        restarts++;
      }
      Child child = Child.start(command(dir, holds), opt.work());
      boolean kill = kills < opt.kills();
      long delayMs;
      int draw = random.nextInt(8);
      boolean fromStart = draw == 0;
      boolean atWriteOut = draw >= 6;
      delayMs = random.nextLong(opt.maxDelay().toMillis() + 1);
      if (kill && !fromStart) {
        child.awaitRunning(opt.childTimeout());
      }
      boolean ended =
          !kill
              ? child.waitFor(opt.childTimeout())
              : atWriteOut
                  ? untilWriteOut(child, dir, Duration.ofMillis(delayMs))
                  : child.waitFor(Duration.ofMillis(delayMs));
      if (!ended && !kill) {
        child.kill();
        problems.add("a run did not end within " + opt.childTimeout() + ":\n" + child.output());
        return;
      }
      if (child.finalLine() != null) {
        finals.add(child.finalLine());
      }
      if (ended) {
        String wrong = finishProblem(child.exitCode(), finals, expected);
        if (wrong != null) {
          problems.add("round " + (rounds + 1) + " " + wrong + ":\n" + child.output());
          return;
        }
        rounds++;
        checkStore(dir, before, generation, "after round " + rounds + " finished");
        log.println("ledger soak: round " + rounds + " finished after " + kills + " kills");
        return;
      }
      child.kill();
      kills++;
      if (child.anomaly() != null) {
        problems.add(child.anomaly() + ":\n" + child.output());
        return;
      }
      Check c =
          checkStore(
              dir,
              before,
              generation,
              "after kill " + kills + (fromStart ? " (from start, " : " (") + delayMs + " ms)");
      if (c == null) {
        return;
      }
      String where = "";
      if (c.tail() != null && !c.tail().equals(tail)) {
        inWriteOut++;
        where = ", inside a write-out (" + c.tail().length() + " bytes past the committed end)";
      }
      tail = c.tail();
      if (c.state() != null) {
        before = c.state();
      }
      generation = c.generation();
      log.println(
          "ledger soak: kill "
              + kills
              + (fromStart ? " at " : atWriteOut ? " at a write-out after " : " after running ")
              + delayMs
              + " ms (running "
              + child.runningAfterMillis()
              + " ms after its start): generation "
              + generation
              + ", "
              + (before == null ? 0 : before.appliedTotal())
              + " transfers committed"
              + where);
    }
  }

  /**
   * What is wrong with a round whose last run ended with {@code exitCode}, given the final lines
   * its runs printed, killed ones included; null if nothing. The line is output, not state: a run
   * killed after it printed the line and after the next cut committed (the clerk waiting in its
   * halt) leaves a store whose resumed system only halts, without printing it again, as a
   * persistent system must (output before a committed cut is not redone). So the line must have
   * been printed by some run of the round, every line printed must be the uninterrupted run's, and
   * the last run must end with status 0.
   */
  static String finishProblem(int exitCode, List<String> finals, String expected) {
    for (String f : finals) {
      if (!f.equals(expected)) {
        return "printed '" + f + "', not the uninterrupted run's line";
      }
    }
    if (exitCode != 0) {
      return "ended with status " + exitCode;
    }
    if (finals.isEmpty()) {
      return "ended with status 0, and no run of it printed the final line";
    }
    return null;
  }

  /**
   * Waits {@code delay}, then until the store's newest segment grows (a generation is being
   * written: between its write and its commit there are two forces) or {@code delay} passes again;
   * true if the child ended meanwhile.
   */
  private static boolean untilWriteOut(Child child, Path dir, Duration delay)
      throws InterruptedException, IOException {
    if (child.waitFor(delay)) {
      return true;
    }
    long seen = segmentSize(dir);
    long deadline = System.nanoTime() + Math.max(delay.toNanos(), 1_000_000_000L);
    while (System.nanoTime() < deadline) {
      if (segmentSize(dir) > seen) {
        return false;
      }
      if (child.waitFor(Duration.ofMillis(1))) {
        return true;
      }
    }
    return false;
  }

  /** The size of the store's newest log segment, 0 if none. */
  private static long segmentSize(Path dir) throws IOException {
    Path log = dir.resolve("log");
    if (!Files.isDirectory(log)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(log)) {
      Path newest = s.max(Comparator.naturalOrder()).orElse(null);
      try {
        return newest == null ? 0 : Files.size(newest);
      } catch (java.nio.file.NoSuchFileException e) {
        return 0; // compacted away meanwhile
      }
    }
  }

  /** A store's uncommitted tail: its length and checksum. */
  record Tail(long length, int crc) {}

  record Check(long generation, LedgerCheck.State state, Tail tail) {}

  /** Checks the store after a kill or an end; null (and a problem noted) if it fails. */
  private Check checkStore(Path dir, LedgerCheck.State before, long generationBefore, String when)
      throws IOException {
    if (!holdsSystem(dir)) {
      if (generationBefore > 0) {
        problems.add(
            when
                + ": the store holds no system, but generation "
                + generationBefore
                + " was committed");
        return null;
      }
      return new Check(0, before, null);
    }
    try (Store store = Store.open(dir)) {
      StoreCheck.Result sc = StoreCheck.check(store, StoreCommand.checkConfig(System.out));
      if (!sc.ok()) {
        problems.add(when + ": store check: " + String.join("; ", sc.problems()));
        return null;
      }
      Store.Recovered r = store.recover();
      if (r.generation() < generationBefore) {
        problems.add(
            when
                + ": the store went back from generation "
                + generationBefore
                + " to "
                + r.generation());
        return null;
      }
      LedgerCheck.State s = LedgerCheck.check(r.image(), before);
      if (!s.ok()) {
        problems.add(
            when + ", generation " + r.generation() + ": " + String.join("; ", s.problems()));
        return null;
      }
      committed = Math.max(committed, s.appliedTotal());
      return new Check(r.generation(), s, tail(dir, r));
    } catch (StoreException e) {
      problems.add(when + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * The bytes of the newest segment past the committed end, if they start with a generation head (a
   * write-out that was not committed); null if there are none.
   */
  private static Tail tail(Path dir, Store.Recovered r) throws IOException {
    Store.Generation last = r.generations().getLast();
    Path seg = dir.resolve(last.segment());
    long end = last.offset() + last.length();
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size <= end + 8) {
        return null;
      }
      ByteBuffer b = ByteBuffer.allocate((int) Math.min(size - end, 1 << 20));
      while (b.hasRemaining() && ch.read(b, end + b.position()) > 0) {
        // read on
      }
      byte[] head = "\u0089JKLGEN\n".getBytes(StandardCharsets.ISO_8859_1);
      for (int i = 0; i < head.length; i++) {
        if (b.get(i) != head[i]) {
          return null;
        }
      }
      CRC32C crc = new CRC32C();
      crc.update(b.array(), 0, b.position());
      return new Tail(size - end, (int) crc.getValue());
    }
  }

  static boolean holdsSystem(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Store s = Store.open(dir)) {
      return s.holdsSystem();
    } catch (StoreException e) {
      return true; // a damaged store: the child and the check say what is wrong
    }
  }

  /**
   * The child's command: {@code run IMAGE} (uninterrupted, no store: {@code store} null), {@code
   * run IMAGE --store DIR} into a store that holds no system, or {@code run --store DIR}.
   */
  private List<String> command(Path store, boolean resume) {
    List<String> cmd = runCommand(opt.image(), store, resume, opt.checkpointMillis(), opt.cpus());
    // Every child keeps its verified programs in one cache, so that only the first verifies them:
    // a restart then spends its time resuming, not verifying (docs/PERSISTENCE.md, section 6).
    cmd.add("--program-cache");
    cmd.add(opt.work().resolve("programs").toAbsolutePath().toString());
    return cmd;
  }

  /** The child's command line (see {@link #command}). */
  static List<String> runCommand(
      Path image, Path store, boolean resume, long checkpointMillis, int cpus) {
    List<String> cmd = new ArrayList<>(javaCommand());
    cmd.add("run");
    if (!resume) {
      cmd.add(image.toString());
    }
    if (store != null) {
      cmd.add("--store");
      cmd.add(store.toString());
      cmd.add("--checkpoint-every");
      cmd.add(Long.toString(checkpointMillis));
    }
    cmd.add("--cpus");
    cmd.add(Integer.toString(cpus));
    return cmd;
  }

  /**
   * {@code java ... jackal.cli.Main} as this JVM was started: the launcher's flags (its collector,
   * card marks, Unsafe denied, Continuation exported to the kernel alone) and its ahead-of-time
   * cache when this JVM runs from the module path as {@code ./jackal} runs it; the class path and
   * an export to it when it runs from the class path (the tests).
   */
  static List<String> javaCommand() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:+UseParallelGC");
    cmd.add("-XX:+UseCondCardMark");
    cmd.add("-XX:GCCardSizeInBytes=128");
    cmd.add("--sun-misc-unsafe-memory-access=deny");
    String modulePath = System.getProperty("jdk.module.path");
    if (LedgerSoak.class.getModule().isNamed() && modulePath != null) {
      cmd.add("--add-exports");
      cmd.add("java.base/jdk.internal.vm=jackal.kernel");
      String home = System.getProperty("jackal.home");
      if (home != null) {
        cmd.add("-Djackal.home=" + home);
      }
      cmd.add("-p");
      cmd.add(absolute(modulePath));
      Path aot = home == null ? null : Path.of(home, "cli", "target", "jackal.aot");
      if (aot != null && Files.isRegularFile(aot)) {
        cmd.add("-XX:AOTCache=" + aot);
        cmd.add("-Xlog:aot=error,cds=error");
      }
      cmd.add("-m");
      cmd.add("jackal.cli/jackal.cli.Main");
    } else {
      cmd.add("--add-exports");
      cmd.add("java.base/jdk.internal.vm=ALL-UNNAMED");
      cmd.add("-cp");
      cmd.add(absolute(System.getProperty("java.class.path")));
      cmd.add("jackal.cli.Main");
    }
    return cmd;
  }

  /** A path list with each entry made absolute (the children run in the work directory). */
  private static String absolute(String paths) {
    List<String> out = new ArrayList<>();
    for (String p : paths.split(File.pathSeparator, -1)) {
      if (!p.isEmpty()) {
        out.add(Path.of(p).toAbsolutePath().toString());
      }
    }
    return String.join(File.pathSeparator, out);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A child JVM and what it printed. */
  static final class Child {
    private final Process process;
    private final StringBuilder output = new StringBuilder();
    private final CountDownLatch running = new CountDownLatch(1);
    private final Thread reader;
    private volatile String finalLine;
    private volatile String anomaly;
    private final long started = System.nanoTime();
    private volatile long runningAfter = -1;

    private Child(Process process) {
      this.process = process;
      this.reader = Thread.ofPlatform().daemon().name("ledger-child-output").start(this::read);
    }

    static Child start(List<String> command, Path cwd) throws IOException {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.directory(cwd.toFile());
      return new Child(pb.start());
    }

    private void read() {
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (output) {
            output.append(line).append('\n');
          }
          if (line.startsWith("jackal: booting ") || line.startsWith("jackal: resuming ")) {
            runningAfter = (System.nanoTime() - started) / 1_000_000;
            running.countDown();
          } else if (line.startsWith("ledger: final ")) {
            finalLine = line;
          } else if (line.contains("ledger: ANOMALY")) {
            anomaly = line;
          }
        }
      } catch (IOException e) {
        // the child was killed: its output ends here
      } finally {
        running.countDown();
      }
    }

    void awaitRunning(Duration timeout) throws InterruptedException {
      running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits up to {@code d} for the child to end; true if it did (its output read to the end). */
    boolean waitFor(Duration d) throws InterruptedException {
      if (!process.waitFor(d.toMillis(), TimeUnit.MILLISECONDS)) {
        return false;
      }
      reader.join(Duration.ofSeconds(10));
      return true;
    }

    /** SIGKILL, and waits for the process to be gone. */
    void kill() throws InterruptedException {
      process.destroyForcibly();
      process.waitFor();
      reader.join(Duration.ofSeconds(10));
    }

    /** Milliseconds from the start to the line saying the system runs, -1 if none came. */
    long runningAfterMillis() {
      return runningAfter;
    }

    int exitCode() {
      return process.isAlive() ? -1 : process.exitValue();
    }

    String finalLine() {
      return finalLine;
    }

    String anomaly() {
      return anomaly;
    }

    String output() {
      synchronized (output) {
        return output.toString();
      }
    }
  }
}
