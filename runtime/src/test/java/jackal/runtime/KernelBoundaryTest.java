package jackal.runtime;

import static jackal.kernel.api.ParameterBlock.EPID;
import static jackal.kernel.api.ParameterBlock.ICW;
import static jackal.kernel.api.ParameterBlock.RCVBOUND;
import static jackal.kernel.api.ParameterBlock.RCVCAP;
import static jackal.kernel.api.ParameterBlock.RCVPTR;
import static jackal.runtime.TestSystem.reg;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.api.Codes;
import jackal.kernel.api.Icw;
import jackal.kernel.api.ParameterBlock;
import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.CapClient;
import jackal.runtime.idl.coyotos.KernLogClient;
import jackal.runtime.idl.coyotos.RangeClient;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 8, "the kernel stops trusting what programs can touch": each test is an attack a program
 * could make on the system-call boundary, with an honest client and server that must keep working.
 */
class KernelBoundaryTest {
  private static final int CALLS = 2_000;

  /** A server that answers every request with w[2] + 1 and counts what it served. */
  private static ObjectRef countingServer(TestSystem s, AtomicLong served) {
    return s.process(
        "server",
        sys -> {
          Ipc ipc = new Ipc(sys);
          ipc.receive();
          for (; ; ) {
            served.incrementAndGet();
            ipc.w[1] = ipc.w[2] + 1;
            ipc.replyAndReceive(1, -1);
          }
        });
  }

  /**
   * A client that counts to {@code calls} through the server in register 8, checking each reply.
   */
  private static ObjectRef countingClient(TestSystem s, int calls, AtomicLong counted) {
    return s.process(
        "client",
        sys -> {
          Ipc ipc = new Ipc(sys);
          for (int i = 0; i < calls; i++) {
            ipc.w[1] = 1;
            ipc.w[2] = counted.get();
            ipc.callOrThrow(reg(8), 2, 0, -1);
            if (ipc.w[1] != counted.get() + 1) {
              throw new IllegalStateException("wrong reply " + ipc.w[1] + " at " + counted.get());
            }
            counted.incrementAndGet();
          }
        });
  }

  @Test
  void receiverRewritingItsParkedBlockChangesNothingTheKernelTook() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicReference<ParameterBlock> parked = new AtomicReference<>();
      AtomicLong arg = new AtomicLong(-1);
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                parked.set(ipc.pb);
                ipc.receive(); // open wait, capabilities into RETURN and ARG0-2
                // The argument capability went where the receive said when it started waiting.
                CapClient capClient = new CapClient(new Ipc(sys));
                arg.set(capClient.getType(reg(CapReg.ARG0)));
                ipc.stringBuffer(0, 0); // the program repairs its block before its next call
                ipc.w[1] = 7;
                ipc.replyAndReceive(1, -1);
              });
      AtomicLong reply = new AtomicLong();
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = 1;
                ipc.capArg(1, reg(TestSystem.DISCRIM));
                ipc.callOrThrow(reg(8), 1, 1, -1);
                reply.set(ipc.w[1]);
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 3), 0));
      s.runUntilQuiet(server);
      // The server's program rewrites the block it is receiving in: registers out of range, a
      // closed wait on another endpoint, an enormous string buffer at a wild address.
      long[] w = parked.get().w;
      for (int i = 0; i < 4; i++) {
        w[RCVCAP + i] = reg(200 + i);
      }
      w[ICW] |= Icw.CW;
      w[EPID] = 999;
      w[RCVBOUND] = -1;
      w[RCVPTR] = 1L << 62;
      s.k.start(client);
      s.awaitQuiet();
      assertThat(reply).hasValue(7);
      assertThat(arg).hasValue(Codes.IKT_DISCRIM);
      assertThat(s.info(client).exited()).isTrue();
      assertThat(s.console()).doesNotContain("kernel error").doesNotContain("died");
    }
  }

  @Test
  void foreignThreadUsingARunningProcessesGateIsRefusedWhileTheHonestPairKeepsCounting()
      throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      AtomicLong served = new AtomicLong();
      AtomicLong counted = new AtomicLong();
      AtomicLong accepted = new AtomicLong();
      AtomicLong refused = new AtomicLong();
      AtomicReference<Throwable> other = new AtomicReference<>();
      ObjectRef server = countingServer(s, served);
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                // The program leaks its own gate to a Java thread, which hammers it while the
                // process runs: each trap would call the server, and each must be refused.
                Thread hammer =
                    new Thread(
                        () -> {
                          Ipc stolen = new Ipc(sys);
                          while (!Thread.currentThread().isInterrupted()) {
                            stolen.w[1] = 1;
                            stolen.w[2] = 1_000_000;
                            try {
                              stolen.call(reg(8), 2, 0, -1);
                              accepted.incrementAndGet();
                            } catch (IllegalStateException e) {
                              refused.incrementAndGet();
                            } catch (Throwable t) {
                              other.set(t);
                            }
                          }
                        });
                hammer.setDaemon(true);
                hammer.start();
                try {
                  Ipc ipc = new Ipc(sys);
                  for (int i = 0; i < CALLS; i++) {
                    ipc.w[1] = 1;
                    ipc.w[2] = i;
                    ipc.callOrThrow(reg(8), 2, 0, -1);
                    if (ipc.w[1] != i + 1) {
                      throw new IllegalStateException("wrong reply " + ipc.w[1]);
                    }
                    counted.incrementAndGet();
                    if (i % 64 == 0) {
                      while (refused.get() < i / 64) {
                        Thread.onSpinWait(); // let the hammer land some traps while we run
                      }
                    }
                  }
                } finally {
                  hammer.interrupt();
                }
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 3), 0));
      s.runUntilQuiet(server, client);
      assertThat(counted).hasValue(CALLS);
      assertThat(served).hasValue(CALLS);
      assertThat(accepted).hasValue(0);
      assertThat(refused.get()).isPositive();
      assertThat(other.get()).isNull();
      // No lock leaked: a second honest client still gets every answer.
      AtomicLong again = new AtomicLong();
      ObjectRef second = countingClient(s, 100, again);
      s.give(second, 8, s.k.entry(s.endpoint(server, 3), 0));
      s.k.start(second);
      s.awaitQuiet();
      assertThat(again).hasValue(100);
    }
  }

  @Test
  void foreignThreadIsRefusedBeforeTakingAnyLock() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicReference<SystemCalls> leaked = new AtomicReference<>();
      ObjectRef idle =
          s.process(
              "idle",
              sys -> {
                leaked.set(sys);
                new Ipc(sys).receive();
              });
      s.runUntilQuiet(idle);
      Ipc stolen = new Ipc(leaked.get());
      assertThatThrownBy(stolen::yieldCpu)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("outside that process's own program");
      // Its process's lock is free: the boot API (which takes it) still answers at once.
      assertThat(s.info(idle).runState()).isEqualTo(jackal.kernel.boot.ProcessInfo.RECEIVING);
    }
  }

  /**
   * The gate remembers the CPU its program last trapped on; another process's program running on
   * that same CPU thread, holding the leaked gate, is still refused: the CPU's current process is
   * the thief, not the gate's.
   */
  @Test
  void anotherProcessesProgramOnTheSameCpuThreadIsRefusedTheLeakedGate() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicReference<SystemCalls> leaked = new AtomicReference<>();
      AtomicReference<Throwable> outcome = new AtomicReference<>();
      ObjectRef victim =
          s.process(
              "victim",
              sys -> {
                leaked.set(sys);
                Ipc own = new Ipc(sys);
                own.yieldCpu(); // a trap or two first, so the gate has a CPU to remember
                own.yieldCpu();
                own.receive();
              });
      s.runUntilQuiet(victim);
      ObjectRef thief =
          s.process(
              "thief",
              sys -> {
                try {
                  new Ipc(leaked.get()).yieldCpu();
                  outcome.set(new AssertionError("the leaked gate was accepted"));
                } catch (Throwable t) {
                  outcome.set(t);
                }
              });
      s.runUntilQuiet(thief);
      assertThat(outcome.get())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("outside that process's own program");
      assertThat(s.info(victim).runState()).isEqualTo(jackal.kernel.boot.ProcessInfo.RECEIVING);
    }
  }

  @Test
  void builderHandedToAProgramIsClosedOnceTheSystemRuns() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Kernel builder = s.k;
      AtomicReference<Throwable> fromProgramThread = new AtomicReference<>();
      CountDownLatch tried = new CountDownLatch(1);
      ObjectRef victim = s.process("victim", sys -> new Ipc(sys).receive());
      ObjectRef attacker =
          s.process(
              "attacker",
              sys -> {
                // The attacker was handed the builder; it tries from a thread of its own, where
                // the old "not on a CPU thread" check let it through.
                Thread t =
                    new Thread(
                        () -> {
                          try {
                            builder.setCapReg(victim, 9, builder.kernelCap(KernelService.RANGE));
                          } catch (Throwable e) {
                            fromProgramThread.set(e);
                          }
                          tried.countDown();
                        });
                t.start();
              });
      s.runUntilQuiet(victim, attacker);
      assertThat(tried.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(fromProgramThread.get())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("boot API is closed");
      assertThatThrownBy(() -> builder.inspect(victim)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(builder::boot).isInstanceOf(IllegalStateException.class);
      assertThat(s.k).isNotSameAs(builder);
      assertThat(s.info(victim).runState()).isEqualTo(jackal.kernel.boot.ProcessInfo.RECEIVING);
    }
  }

  @Test
  void programHoldingTheConsoleMonitorDoesNotStopKernLogOrTheCpus() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicLong served = new AtomicLong();
      AtomicLong counted = new AtomicLong();
      ObjectRef server = countingServer(s, served);
      ObjectRef logger =
          s.process(
              "logger",
              sys -> {
                KernLogClient kernLogClient = new KernLogClient(new Ipc(sys)).stringArea(0, 256);
                for (int i = 0; i < 10; i++) {
                  kernLogClient.log(reg(TestSystem.KERNLOG), ("line " + i).getBytes(UTF_8));
                }
              });
      ObjectRef client = countingClient(s, 100, counted);
      s.give(client, 8, s.k.entry(s.endpoint(server, 3), 0));
      CountDownLatch holding = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread holder =
          new Thread(
              () -> {
                synchronized (s.consoleStream) {
                  holding.countDown();
                  try {
                    release.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
              });
      holder.start();
      assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
      try {
        s.k.start(server);
        s.k.start(logger);
        s.k.start(client);
        s.boot();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(s.info(logger).exited() && s.info(client).exited())
            && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        assertThat(s.info(logger).exited())
            .as("KernLog returned while the stream was held")
            .isTrue();
        assertThat(counted).hasValue(100);
      } finally {
        release.countDown();
        holder.join();
      }
      s.awaitQuiet();
      assertThat(s.console()).contains("line 0\n").contains("line 9\n");
    }
  }

  @Test
  void interruptingTheCarrierDoesNotMakeAnIdleCpuSpin() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef vandal = s.process("vandal", sys -> Thread.currentThread().interrupt());
      s.runUntilQuiet(vandal);
      long before = parks(s);
      Thread.sleep(300);
      // A parked CPU wakes only on its timeout (every 50 ms); with the flag left set, park
      // would return at once and count millions.
      assertThat(parks(s) - before).isLessThan(50);
    }
  }

  @Test
  void destroyedSleeperLeavesTheTimerQueueAtOnce() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef sleeper =
          s.process(
              "sleeper",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.w[1] = Codes.OC_SLEEP_SLEEP_FOR;
                ipc.w[2] = 100_000; // seconds
                ipc.w[3] = 0;
                ipc.callOrThrow(reg(8), 3, 0, -1);
              });
      s.give(sleeper, 8, s.k.kernelCap(KernelService.SLEEP));
      AtomicInteger done = new AtomicInteger();
      ObjectRef destroyer =
          s.process(
              "destroyer",
              sys -> {
                RangeClient rangeClient = new RangeClient(new Ipc(sys));
                for (int i = 0; i < 100; i++) {
                  new Ipc(sys).yieldCpu(); // let the sleeper go to sleep first
                }
                rangeClient.rescind(reg(TestSystem.RANGE), reg(8));
                done.incrementAndGet();
              });
      s.give(destroyer, 8, s.k.cap(sleeper));
      for (ObjectRef p : new ObjectRef[] {sleeper, destroyer}) {
        s.k.start(p);
      }
      s.boot();
      // Quiet means no sleeper is left on the timer: without the cancel, this waits 100 000 s.
      assertThat(s.k.awaitQuiescent(Duration.ofSeconds(10))).isTrue();
      assertThat(done).hasValue(1);
      assertThat(s.info(sleeper).exited() || s.info(sleeper).runState() == 2).isTrue();
    }
  }

  private static long parks(TestSystem s) {
    long total = 0;
    for (String line : s.k.statistics().split("\n")) {
      int at = line.indexOf("parks=");
      if (at >= 0) {
        total += Long.parseLong(line.substring(at + 6, line.indexOf(' ', at)));
      }
    }
    return total;
  }
}
