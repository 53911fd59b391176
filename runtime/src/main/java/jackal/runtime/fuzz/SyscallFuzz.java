package jackal.runtime.fuzz;

import static jackal.kernel.api.ParameterBlock.ICW;

import jackal.kernel.api.CapLoc;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.Syscall;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import jackal.runtime.Ipc;
import jackal.runtime.KernelException;
import jackal.runtime.idl.coyotos.ProcessClient;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The hostile-syscall fuzzer: on a two-CPU system where an honest client counts through an honest
 * server, hostile processes make system calls from {@link HostileSyscalls} (random control words,
 * registers, capability locations, lengths and addresses; valid, stale and foreign capabilities),
 * and a destroyer rescinds the objects they share, until the hostile processes have made the number
 * of calls asked for. Then it checks that no kernel error happened, that the honest pair lost and
 * duplicated nothing, that no lock was left held, and that the kernel still answers.
 *
 * <p>A hostile process that faults is repaired by a keeper (its fault handler), which replaces the
 * faulting call with a Yield and resumes it; one that blocks for good (a receive nobody answers) is
 * left waiting and replaced by a fresh one. Programs here are the kernel's trusted test code (Java
 * lambdas given to the boot API), not loaded programs.
 */
public final class SyscallFuzz {
  private SyscallFuzz() {}

  /** What a run found; {@link #problems} is empty when the kernel held. */
  public record Result(
      long seed,
      long hostileCalls,
      long honestCalls,
      long hostileProcesses,
      long faultsRepaired,
      long kernelErrors,
      long shippedCalls,
      List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }

    @Override
    public String toString() {
      return String.format(
          "seed 0x%x: %d hostile calls by %d processes (%d faults repaired), %d honest calls,"
              + " %d calls shipped to another CPU, %d kernel errors%s",
          seed,
          hostileCalls,
          hostileProcesses,
          faultsRepaired,
          honestCalls,
          shippedCalls,
          kernelErrors,
          problems.isEmpty() ? "" : "; PROBLEMS: " + String.join("; ", problems));
    }
  }

  /** The calls the CPUs ran for processes that shipped them, from the kernel's statistics. */
  private static long shippedCalls(String statistics) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(" ships-run=(\\d+)").matcher(statistics);
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }

  /** Hostile processes running at once (besides the destroyer). */
  private static final int LIVE_HOSTILES = 4;

  /** Calls a hostile process makes before it ends (a fresh one takes its place). */
  private static final long QUOTA = 20_000;

  /** A hostile process whose count has not moved for this long is taken as stuck for good. */
  private static final long STUCK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final int DESTROYER_EVERY = 4;

  private static final int SERVER_ID = 1;
  private static final int KEEPER_ID = 2;
  private static final int HONEST_PAYLOAD = 1;
  private static final int HOSTILE_PAYLOAD = 2;
  private static final int SECOND_HONEST_PAYLOAD = 3;

  /**
   * Runs the fuzzer until hostile processes have made {@code hostileCalls} system calls and the
   * honest client has made {@code honestCalls} calls, or {@code timeout} passes (a problem).
   */
  public static Result run(long seed, long hostileCalls, int honestCalls, Duration timeout)
      throws InterruptedException {
    return new Run(seed).go(hostileCalls, honestCalls, timeout);
  }

  /** One hostile process: its program's block and counter, for the keeper and the monitor. */
  private static final class Hostile {
    final int index;
    final long seed;
    final boolean mayReceive;
    volatile ParameterBlock block;
    volatile long calls;
    volatile boolean ended;
    long lastCalls = -1;
    long lastMoved;

    Hostile(int index, long seed, boolean mayReceive) {
      this.index = index;
      this.seed = seed;
      this.mayReceive = mayReceive;
    }
  }

  private static final class Run {
    final long seed;
    final SplittableRandom seeds;
    final LineWatch console = new LineWatch();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<Hostile> hostiles = new CopyOnWriteArrayList<>();
    final List<ObjectRef> processes = new ArrayList<>();
    final AtomicLong total = new AtomicLong();
    final AtomicLong repaired = new AtomicLong();
    final AtomicLong honestServed = new AtomicLong();
    final AtomicLong honestCounted = new AtomicLong();
    final AtomicBoolean stop = new AtomicBoolean();
    Kernel k;
    ObjectRef serverEp;
    ObjectRef keeperEp;

    Run(long seed) {
      this.seed = seed;
      this.seeds = new SplittableRandom(seed);
    }

    Result go(long hostileCalls, int honestCalls, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      k =
          Kernel.create(
              KernelConfig.defaults()
                  .withCpus(2)
                  .withConsole(new PrintStream(console, true, StandardCharsets.UTF_8)));
      try {
        ObjectRef server = k.newProcess("honest-server", this::server);
        serverEp = endpoint(server, SERVER_ID);
        basics(server);
        // The honest server on CPU 0 and its clients on CPU 1: every honest call after the first
        // is shipped to CPU 0 (docs/DESIGN-NOTES.md, "A cross-CPU call runs where its recipient
        // is"), and so are the calls of the hostile processes pinned to CPU 1 that reach it.
        k.setCpuMask(server, 0b01);
        ObjectRef keeper = k.newProcess("keeper", this::keeper);
        keeperEp = endpoint(keeper, KEEPER_ID);
        basics(keeper);
        ObjectRef client =
            honestClient("honest-client", honestCalls, honestCounted, HONEST_PAYLOAD);
        k.start(server);
        k.start(keeper);
        k.start(client);
        List<ObjectRef> live = new ArrayList<>();
        for (int i = 0; i < LIVE_HOSTILES; i++) {
          live.add(null);
        }
        k = k.boot();
        startBatch(live);
        // Keep hostile processes running until enough calls were made.
        while (total.get() < hostileCalls || !k.inspect(client).exited()) {
          if (System.nanoTime() > deadline) {
            problems.add("timed out after " + total.get() + " hostile calls");
            break;
          }
          Thread.sleep(5);
          replaceStuck(live);
        }
        stop.set(true);
        if (!k.awaitQuiescent(Duration.ofSeconds(30))) {
          problems.add("the system did not settle after the hostile processes stopped");
        }
        check(honestCalls);
        return new Result(
            seed,
            total.get(),
            honestCounted.get(),
            hostiles.size(),
            repaired.get(),
            k.kernelErrors(),
            shippedCalls(k.statistics()),
            List.copyOf(problems));
      } finally {
        stop.set(true);
        k.close();
      }
    }

    /** The honest outcome, a fresh honest round, and every process's lock free. */
    private void check(int honestCalls) throws InterruptedException {
      if (honestCounted.get() != honestCalls) {
        problems.add("the honest client counted " + honestCounted.get() + " of " + honestCalls);
      }
      if (honestServed.get() != honestCalls) {
        problems.add("the honest server served " + honestServed.get() + " of " + honestCalls);
      }
      AtomicLong again = new AtomicLong();
      ObjectRef second = honestClient("honest-client-2", 100, again, SECOND_HONEST_PAYLOAD);
      k.start(second);
      if (!k.awaitQuiescent(Duration.ofSeconds(30)) || again.get() != 100) {
        problems.add("after the attack, a new honest client counted " + again.get() + " of 100");
      }
      // Inspecting takes each process's lock: a leaked lock would make it spin for ever.
      ExecutorService ex = Executors.newSingleThreadExecutor();
      try {
        Future<?> inspected =
            ex.submit(
                () -> {
                  for (ObjectRef p : processes) {
                    k.inspect(p);
                  }
                });
        inspected.get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        problems.add("a process's lock stayed held: " + e);
      } finally {
        ex.shutdownNow();
      }
      long errors = k.kernelErrors();
      if (errors != 0) {
        problems.add(errors + " kernel errors");
      }
      problems.addAll(console.bad());
    }

    // ------------------------------------------------------------------ building

    private ObjectRef endpoint(ObjectRef recipient, long id) {
      ObjectRef ep = k.newEndpoint();
      k.setRecipient(ep, recipient);
      k.setEndpointId(ep, id);
      return ep;
    }

    /**
     * A reply endpoint in REPLYEPT, KernLog, and a GPT space: page, own CapPage, shared CapPage.
     */
    private void basics(ObjectRef p) {
      processes.add(p);
      ObjectRef reply = k.newEndpoint();
      k.setRecipient(reply, p);
      k.setPayloadMatch(reply);
      k.setCapReg(p, CapReg.REPLYEPT, k.cap(reply));
      k.setCapReg(p, 20, k.kernelCap(KernelService.KERN_LOG));
      k.setCapReg(p, 21, k.kernelCap(KernelService.DISCRIM));
      ObjectRef gpt = k.newGpt();
      k.setGpt(gpt, 12, false, false);
      k.setGptSlot(gpt, 0, k.cap(k.newPage()));
      k.setGptSlot(gpt, 1, k.cap(k.newCapPage()));
      k.setAddressSpace(p, k.cap(gpt));
    }

    private ObjectRef honestClient(String name, int calls, AtomicLong counted, int payload) {
      ObjectRef c =
          k.newProcess(
              name,
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int i = 0; i < calls; i++) {
                  ipc.w[1] = 1;
                  ipc.w[2] = i;
                  ipc.callOrThrow(CapLoc.reg(8), 2, 0, -1);
                  if (ipc.w[1] != i + 1) {
                    problems.add(name + ": reply " + ipc.w[1] + " to request " + i);
                    return;
                  }
                  counted.incrementAndGet();
                }
              });
      basics(c);
      k.setCapReg(c, 8, k.entry(serverEp, payload));
      k.setCpuMask(c, 0b10);
      return c;
    }

    /**
     * A batch: one destroyer and the hostile processes missing from {@code live}. They share a
     * scratch page, CapPage, GPT and endpoint, which the destroyer may rescind under them.
     */
    private void startBatch(List<ObjectRef> live) {
      CapRef[] scratch = {
        k.cap(k.newPage()), k.cap(k.newCapPage()), k.cap(k.newGpt()), null, null, null
      };
      ObjectRef scratchEp = k.newEndpoint();
      scratch[3] = k.cap(scratchEp);
      scratch[4] = k.entry(scratchEp, 5);
      List<ObjectRef> started = new ArrayList<>();
      for (int i = 0; i < live.size(); i++) {
        if (live.get(i) == null) {
          ObjectRef h = hostile(true, scratch, scratchEp);
          live.set(i, h);
          started.add(h);
        }
      }
      if (batches++ % DESTROYER_EVERY == 0) {
        // A destroyer and its victim, a hostile process of its own (not one the monitor keeps
        // running): the destroyer may rescind it, and the scratch objects, under the others. It
        // never receives, so no capability from outside its batch can ever reach it.
        ObjectRef victim = hostile(true, scratch, scratchEp);
        started.add(victim);
        scratch[5] = k.cap(victim);
        ObjectRef destroyer = hostile(false, scratch, null);
        k.setCapReg(destroyer, 19, k.kernelCap(KernelService.RANGE));
        started.add(destroyer);
      }
      for (ObjectRef p : started) {
        k.start(p);
      }
    }

    /** Batches started so far; every {@link #DESTROYER_EVERY}th gets a destroyer. */
    private int batches;

    private ObjectRef hostile(boolean mayReceive, CapRef[] scratch, ObjectRef scratchEp) {
      Hostile h = new Hostile(hostiles.size(), seeds.nextLong(), mayReceive);
      hostiles.add(h);
      ObjectRef p =
          k.newProcess((mayReceive ? "hostile-" : "destroyer-") + h.index, sys -> go(h, sys));
      byRef.put(p, h);
      basics(p);
      if (h.index % 2 == 1) {
        k.setCpuMask(p, 0b10); // half of them on CPU 1 with the honest client, half free to move
      }
      k.setHandler(p, k.entry(keeperEp, h.index));
      k.setCapReg(p, 9, k.kernelCap(KernelService.DISCRIM));
      k.setCapReg(p, 10, k.kernelCap(KernelService.CAP_BITS));
      for (int i = 0; i < scratch.length; i++) {
        if (scratch[i] != null) {
          k.setCapReg(p, 11 + i, scratch[i]);
        }
      }
      if (mayReceive) {
        k.setCapReg(p, 8, k.entry(serverEp, HOSTILE_PAYLOAD));
        ObjectRef own = endpoint(p, 3);
        k.setCapReg(p, 17, k.cap(own));
        k.setCapReg(p, 18, k.entry(own, 9));
        if (scratchEp != null) {
          k.setRecipient(scratchEp, p); // the last hostile of the batch receives there
        }
      }
      return p;
    }

    /** Keeps {@link #LIVE_HOSTILES} hostile processes making calls. */
    private void replaceStuck(List<ObjectRef> live) {
      if (stop.get()) {
        return;
      }
      long now = System.nanoTime();
      boolean any = false;
      for (int i = 0; i < live.size(); i++) {
        Hostile h = hostileOf(live.get(i));
        if (h == null) {
          continue;
        }
        if (h.calls != h.lastCalls) {
          h.lastCalls = h.calls;
          h.lastMoved = now;
        } else if (h.ended || now - h.lastMoved > STUCK_NANOS) {
          live.set(i, null);
          any = true;
        }
      }
      if (any) {
        startBatch(live);
      }
    }

    private Hostile hostileOf(ObjectRef p) {
      return p == null ? null : byRef.get(p);
    }

    /** Each hostile process's record; used by the monitoring thread only. */
    private final Map<ObjectRef, Hostile> byRef = new HashMap<>();

    // ------------------------------------------------------------------ programs

    private void go(Hostile h, SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      h.block = ipc.pb;
      HostileSyscalls gen = new HostileSyscalls(new SplittableRandom(h.seed), h.mayReceive);
      try {
        while (!stop.get() && h.calls < QUOTA) {
          gen.next(ipc.w);
          h.calls++;
          total.incrementAndGet();
          sys.trap(ipc.pb);
        }
      } finally {
        h.ended = true;
      }
    }

    private void server(SystemCalls sys) {
      Ipc ipc = new Ipc(sys);
      ipc.receive();
      long[] expected = new long[4]; // by payload: each honest client counts from 0
      for (; ; ) {
        int pp = (int) ipc.payload();
        if (ipc.endpointId() == SERVER_ID
            && (pp == HONEST_PAYLOAD || pp == SECOND_HONEST_PAYLOAD)) {
          if (ipc.w[2] != expected[pp]) {
            problems.add(
                "honest request " + ipc.w[2] + " arrived when " + expected[pp] + " was due");
          }
          expected[pp] = ipc.w[2] + 1;
          if (pp == HONEST_PAYLOAD) {
            honestServed.incrementAndGet();
          }
        }
        ipc.w[1] = ipc.w[2] + 1;
        ipc.stringBuffer(0, 0);
        ipc.replyAndReceive(1, -1);
      }
    }

    /** The hostile processes' fault handler: replaces the faulting call by a Yield, resumes it. */
    private void keeper(SystemCalls sys) throws KernelException {
      Ipc ipc = new Ipc(sys);
      ProcessClient process = new ProcessClient(new Ipc(sys));
      for (; ; ) {
        ipc.receive();
        if (ipc.endpointId() != KEEPER_ID) {
          continue;
        }
        Hostile h = hostiles.get((int) ipc.payload());
        ParameterBlock b = h.block;
        if (b != null) {
          b.w[ICW] = Syscall.YIELD;
        }
        repaired.incrementAndGet();
        try {
          process.resume(CapLoc.reg(CapReg.ARG0), true);
        } catch (KernelException e) {
          // A process destroyed meanwhile: nothing to resume.
        }
      }
    }
  }

  /**
   * The console: keeps nothing but the lines that say the kernel failed ("kernel error", or a
   * process that "died" of an exception the kernel let through).
   */
  private static final class LineWatch extends OutputStream {
    private final StringBuilder line = new StringBuilder();
    private final List<String> bad = new ArrayList<>();

    @Override
    public synchronized void write(int b) {
      if (b == '\n') {
        String s = line.toString();
        if ((s.contains("kernel error") || s.contains(" died: ")) && bad.size() < 20) {
          bad.add(s);
        }
        line.setLength(0);
      } else if (line.length() < 4096) {
        line.append((char) (b & 0xFF));
      }
    }

    synchronized List<String> bad() {
      return List.copyOf(bad);
    }
  }
}
