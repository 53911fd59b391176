package jackal.runtime;

import static jackal.runtime.TestSystem.counter;
import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.SystemCalls;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.runtime.idl.coyotos.DiscrimClient;
import jackal.runtime.idl.coyotos.RangeClient;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A call to a process that may not run on its caller's CPU is shipped to the recipient's CPU and
 * run there (docs/DESIGN-NOTES.md, "A cross-CPU call runs where its recipient is"). These tests
 * show that it happens, that a shipped call is checked in full where it runs (a capability location
 * that now names something else, or an endpoint rescinded since the last call, is answered as if
 * the call had never been shipped), and that a caller that waits or is destroyed while its call is
 * on its way loses nothing and harms nobody.
 */
class ShippedCallTest {
  private static final int CALLS = 5_000;

  /** Calls the echo server in register 8 with 0 .. n-1 and returns the sum of the answers. */
  private static long echoCalls(Ipc ipc, int n) throws KernelException {
    long total = 0;
    for (int i = 0; i < n; i++) {
      ipc.w[1] = i;
      ipc.callOrThrow(reg(8), 1, 0, -1);
      total += ipc.w[1];
    }
    return total;
  }

  /**
   * A system whose kernel lets a shipped caller with nothing else to run wait on its own CPU, or
   * not (KernelConfig.crossCpuCalls: SHIP_AND_STAY, the default, or SHIP).
   */
  private static TestSystem staying(jackal.kernel.boot.KernelConfig cfg, boolean stays) {
    return new TestSystem(
        cfg.withCrossCpuCalls(
            stays
                ? jackal.kernel.boot.KernelConfig.CrossCpuCalls.SHIP_AND_STAY
                : jackal.kernel.boot.KernelConfig.CrossCpuCalls.SHIP));
  }

  private static TestSystem staying(jackal.kernel.boot.KernelConfig cfg) {
    return staying(cfg, true);
  }

  private static TestSystem staying(int cpus) {
    return staying(jackal.kernel.boot.KernelConfig.defaults().withCpus(cpus));
  }

  /** The echo server on CPU 0 and a client on CPU 1 that made {@code calls} calls to it. */
  private record EchoPair(ObjectRef server, ObjectRef client, String stats) {}

  /**
   * Runs a client pinned to CPU 1 that calls the echo server on CPU 0 {@code calls} times, checks
   * that every answer was right, and returns the pair with the kernel's statistics.
   */
  private static EchoPair echoAcrossCpus(TestSystem s, int calls) throws Exception {
    AtomicLong sum = new AtomicLong();
    ObjectRef server = echoOnCpu0(s, new AtomicLong());
    ObjectRef client = s.process("client", sys -> sum.set(echoCalls(new Ipc(sys), calls)));
    s.k.setCpuMask(client, 0b10);
    s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
    s.runUntilQuiet(server, client);
    assertThat(sum.get()).isEqualTo((long) calls * (calls + 1) / 2);
    return new EchoPair(server, client, s.k.statistics());
  }

  /** Rescinds the object whose capability is in register {@code r}, through Range. */
  private static void rescind(SystemCalls sys, int r) {
    try {
      new RangeClient(new Ipc(sys)).rescind(reg(TestSystem.RANGE), reg(r));
    } catch (KernelException e) {
      throw new IllegalStateException(e);
    }
  }

  /** w[1] + 1, pinned to CPU 0, counting what it received in {@code received}. */
  private static ObjectRef echoOnCpu0(TestSystem s, AtomicLong received) {
    ObjectRef server =
        s.process(
            "echo",
            sys -> {
              Ipc ipc = new Ipc(sys);
              ipc.receive();
              for (; ; ) {
                received.incrementAndGet();
                ipc.w[1] = ipc.w[1] + 1;
                ipc.replyAndReceive(1, -1);
              }
            });
    s.k.setCpuMask(server, 0b01);
    return server;
  }

  @Test
  void everyCallAfterTheFirstToAServerPinnedToAnotherCpuIsRunOnThatCpusSide() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      EchoPair pair = echoAcrossCpus(s, CALLS);
      String stats = pair.stats();
      // The first call finds where the server runs; every later one is shipped (handed to CPU 0,
      // or run by CPU 1 itself when CPU 0 was not idle), and the replies, sent through the reply
      // endpoint, never are.
      assertThat(counter(stats, "ships-run")).as(stats).isEqualTo(CALLS - 1);
      assertThat(counter(stats, "ships-sent")).as(stats).isPositive();
      assertThat(counter(stats, "errors")).as(stats).isZero();
      assertThat(s.info(pair.client()).cpu()).isEqualTo(1);
      assertThat(s.info(pair.server()).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  /**
   * With cross-CPU calls shipped but no stay (KernelConfig.CrossCpuCalls.SHIP) a shipped caller
   * leaves its CPU while its call runs elsewhere, and is woken the ordinary way.
   */
  @Test
  void withoutTheStayAShippedCallerLeavesItsCpuUntilItIsAnswered() throws Exception {
    try (TestSystem s = staying(jackal.kernel.boot.KernelConfig.defaults().withCpus(2), false)) {
      String stats = echoAcrossCpus(s, 1_000).stats();
      assertThat(counter(stats, "ships-run")).as(stats).isEqualTo(999);
      assertThat(counter(stats, "ships-stayed")).as(stats).isZero();
    }
  }

  /**
   * With cross-CPU calls run at the caller (KernelConfig.CrossCpuCalls.AT_CALLER) nothing is
   * shipped: every call runs on its caller's CPU and wakes the server onto its own, with the same
   * answers.
   */
  @Test
  void withCallsRunAtTheCallerNothingIsShipped() throws Exception {
    try (TestSystem s =
        new TestSystem(
            jackal.kernel.boot.KernelConfig.defaults()
                .withCpus(2)
                .withCrossCpuCalls(jackal.kernel.boot.KernelConfig.CrossCpuCalls.AT_CALLER))) {
      String stats = echoAcrossCpus(s, 1_000).stats();
      assertThat(counter(stats, "ships-run")).as(stats).isZero();
      assertThat(counter(stats, "ships-sent")).as(stats).isZero();
      assertThat(counter(stats, "errors")).as(stats).isZero();
    }
  }

  /**
   * A caller alone on its CPU waits for its shipped calls there, in its trap (docs/DESIGN-NOTES.md,
   * "A caller with nothing else to run waits on its own CPU"): its CPU does not dispatch it again
   * for each call, and every answer is right.
   */
  @Test
  void aCallerWithNothingElseToRunWaitsForItsShippedCallsOnItsOwnCpu() throws Exception {
    try (TestSystem s = staying(2)) {
      String stats = echoAcrossCpus(s, CALLS).stats();
      assertThat(counter(stats, "ships-run")).as(stats).isEqualTo(CALLS - 1);
      // Most calls find the server's CPU idle and so stay; the others leave CPU 1 and are
      // dispatched again when answered, as before.
      long stayed = counter(stats, "ships-stayed");
      assertThat(stayed).as(stats).isGreaterThan(CALLS / 2);
      long cpu1Dispatches =
          counter(
              stats.lines().filter(l -> l.startsWith("cpu1")).findFirst().orElseThrow(),
              "dispatches");
      assertThat(cpu1Dispatches).as(stats).isLessThan(CALLS - stayed + 100);
      assertThat(counter(stats, "errors")).as(stats).isZero();
    }
  }

  /**
   * An attacker's view of the caller that waits on its CPU: could it keep that CPU from a process
   * woken there meanwhile? The server, on CPU 0, calls a bystander pinned to the caller's CPU
   * before it answers, so every call needs the bystander to run while the caller waits. Idle CPUs
   * here spin for 30 s before they park, so a caller that waited out its spin budget instead of
   * giving way would hold each call for 30 s; it gives way as soon as the bystander is queued.
   */
  @Test
  void aCallerWaitingOnItsCpuGivesWayToAProcessWokenThere() throws Exception {
    try (TestSystem s =
        staying(
            jackal.kernel.boot.KernelConfig.defaults()
                .withCpus(2)
                .withIdleSpinMicros(30_000_000L))) {
      AtomicLong bystanderRuns = new AtomicLong();
      AtomicLong sum = new AtomicLong();
      ObjectRef bystander =
          s.process(
              "bystander",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                for (; ; ) {
                  bystanderRuns.incrementAndGet();
                  ipc.replyAndReceive(0, -1);
                }
              });
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                Ipc toBystander = new Ipc(sys);
                ipc.receive();
                for (; ; ) {
                  try {
                    toBystander.callOrThrow(reg(9), 1, 0, -1);
                  } catch (KernelException e) {
                    throw new IllegalStateException(e);
                  }
                  ipc.w[1] = ipc.w[1] + 1;
                  ipc.replyAndReceive(1, -1);
                }
              });
      CountDownLatch done = new CountDownLatch(1);
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                sum.set(echoCalls(new Ipc(sys), 50));
                done.countDown();
              });
      s.k.setCpuMask(server, 0b01);
      s.k.setCpuMask(bystander, 0b10);
      s.k.setCpuMask(client, 0b10);
      s.give(server, 9, s.k.entry(s.endpoint(bystander, 2), 0));
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      for (ObjectRef p : new ObjectRef[] {bystander, server, client}) {
        s.k.start(p);
      }
      s.boot();
      // Not runUntilQuiet: a kernel is quiet only once its CPUs park, 30 s from now.
      assertThat(done.await(20, TimeUnit.SECONDS))
          .as("one call held for the spin budget takes 30 s; console: %s", s.console())
          .isTrue();
      String stats = s.k.statistics();
      assertThat(sum.get()).isEqualTo(50L * 51 / 2);
      assertThat(bystanderRuns.get()).isEqualTo(50);
      assertThat(counter(stats, "ships-stayed")).as(stats).isPositive();
    }
  }

  /**
   * An attacker's view of the caller that waits on its CPU: the victim is alone on CPU 1, so its
   * calls stay there while they run on CPU 0, and a killer on CPU 2 destroys it at any point of one
   * (on its way, run, or waiting for the reply). The kernel survives every placement, and the
   * killer's own calls through the same server all succeed afterwards.
   */
  @RepeatedTest(5)
  void aCallerDestroyedWhileItWaitsOnItsCpuForAShippedCallLeavesTheKernelWorking()
      throws Exception {
    try (TestSystem s = staying(3)) {
      String stats = destroyWhileCalling(s, 0b010, 0b100, 200);
      assertThat(counter(stats, "ships-stayed")).as(stats).isPositive();
    }
  }

  @Test
  void aShippedCallWhoseServerIsBusyWaitsForItAndIsAnsweredLater() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      ObjectRef server =
          s.process(
              "slow echo",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                for (; ; ) {
                  long x = ipc.w[1];
                  for (int i = 0; i < 2_000; i++) {
                    x = x * 31 + i; // busy long enough that the other client's call finds it so
                  }
                  ipc.w[2] = x;
                  ipc.w[1] = ipc.w[1] + 1;
                  ipc.replyAndReceive(2, -1);
                }
              });
      s.k.setCpuMask(server, 0b01);
      long[] sums = new long[2];
      ObjectRef[] clients = new ObjectRef[2];
      for (int c = 0; c < 2; c++) {
        int me = c;
        clients[c] =
            s.process(
                "client " + c,
                sys -> {
                  Ipc ipc = new Ipc(sys);
                  long total = 0;
                  for (int i = 0; i < 2_000; i++) {
                    ipc.w[1] = i;
                    ipc.callOrThrow(reg(8), 1, 0, -1);
                    total += ipc.w[1];
                  }
                  sums[me] = total;
                });
        s.k.setCpuMask(clients[c], 0b10);
        s.give(clients[c], 8, s.k.entry(s.endpoint(server, 1), 0));
      }
      s.runUntilQuiet(server, clients[0], clients[1]);
      String stats = s.k.statistics();
      assertThat(sums).containsOnly(2_000L * 2_001 / 2);
      assertThat(counter(stats, "ships-run")).as(stats).isPositive();
      assertThat(counter(stats, "errors")).as(stats).isZero();
    }
  }

  /**
   * The hint that ships a call names a capability location, not what is in it. The client calls its
   * server through register 8, then puts Discrim there and calls again: the shipped call finds a
   * kernel capability, which it does not run, and the client's own CPU answers it as Discrim.
   */
  @Test
  void aShippedCallThroughALocationNowHoldingAKernelCapabilityIsAnsweredByThatCapability()
      throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      AtomicLong throughReg8 = new AtomicLong(-1);
      AtomicLong direct = new AtomicLong(-2);
      AtomicLong echoed = new AtomicLong();
      ObjectRef server = echoOnCpu0(s, new AtomicLong());
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                echoCalls(ipc, 10);
                ipc.copyCap(reg(8), reg(9));
                ipc.copyCap(reg(TestSystem.DISCRIM), reg(8));
                DiscrimClient discrim = new DiscrimClient(new Ipc(sys));
                try {
                  throughReg8.set(discrim.classify(reg(8), reg(CapReg.SELF)));
                  direct.set(discrim.classify(reg(TestSystem.DISCRIM), reg(CapReg.SELF)));
                } catch (KernelException e) {
                  throw new IllegalStateException(e);
                }
                ipc.copyCap(reg(9), reg(8));
                ipc.w[1] = 41;
                ipc.callOrThrow(reg(8), 1, 0, -1);
                echoed.set(ipc.w[1]);
              });
      s.k.setCpuMask(client, 0b10);
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.runUntilQuiet(server, client);
      assertThat(s.info(client).exited()).as(s.console()).isTrue();
      assertThat(throughReg8.get()).isEqualTo(direct.get());
      assertThat(echoed.get()).isEqualTo(42);
      // Nine echo calls after the first, the call on Discrim and the last echo call were shipped.
      String stats = s.k.statistics();
      assertThat(counter(stats, "ships-run")).as(stats).isEqualTo(11);
    }
  }

  /**
   * An attacker's view: the client keeps calling through a location the kernel has learnt to ship
   * after the endpoint behind it was rescinded. The shipped call checks the capability where it
   * runs, finds it invalid, and the client gets what a call on Null gets; the server never hears of
   * it.
   */
  @Test
  void aShippedCallThroughARescindedEndpointFailsAsOnNullAndReachesNoServer() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      AtomicLong received = new AtomicLong();
      AtomicLong afterRescind = new AtomicLong();
      AtomicLong onNull = new AtomicLong();
      AtomicBoolean answered = new AtomicBoolean(true);
      ObjectRef server = echoOnCpu0(s, received);
      ObjectRef ep = s.endpoint(server, 1);
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                echoCalls(ipc, 10);
                rescind(sys, 9);
                ipc.w[1] = 7;
                answered.set(ipc.call(reg(8), 1, 0, -1));
                afterRescind.set(ipc.exceptionCode());
                ipc.w[1] = 7;
                ipc.call(reg(CapReg.NULL), 1, 0, -1);
                onNull.set(ipc.exceptionCode());
              });
      s.k.setCpuMask(client, 0b10);
      s.give(client, 8, s.k.entry(ep, 0));
      s.give(client, 9, s.k.cap(ep));
      s.runUntilQuiet(server, client);
      assertThat(s.info(client).exited()).as(s.console()).isTrue();
      assertThat(answered.get()).isFalse();
      assertThat(afterRescind.get()).isEqualTo(onNull.get()).isNotZero();
      assertThat(received.get()).isEqualTo(10);
      // Nine calls after the first and the call through the rescinded endpoint were shipped.
      String stats = s.k.statistics();
      assertThat(counter(stats, "ships-run")).as(stats).isEqualTo(10);
    }
  }

  /**
   * An attacker's view: a process on the client's CPU destroys the client while it calls without
   * pause, so that the destroy lands at any point of a shipped call (on its way, run on the other
   * CPU, or waiting for the reply). The kernel survives every placement, and another client's calls
   * through the same server all succeed afterwards.
   */
  @RepeatedTest(5)
  void aClientDestroyedWhileItsCallsAreShippedLeavesTheServerAndKernelWorking() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      destroyWhileCalling(s, 0b10, 0b10, 0);
    }
  }

  /**
   * A victim on the CPUs {@code victimMask} calls an echo server on CPU 0 without pause; a killer
   * on {@code killerMask} yields until the victim has made {@code calls} calls (at least 50 times),
   * destroys it, then makes 1 000 calls of its own through the same server, which must all be
   * answered, with no kernel error. Returns the kernel's statistics.
   */
  private static String destroyWhileCalling(
      TestSystem s, long victimMask, long killerMask, long calls) throws Exception {
    AtomicLong after = new AtomicLong();
    AtomicLong victimCalls = new AtomicLong();
    ObjectRef server = echoOnCpu0(s, new AtomicLong());
    ObjectRef ep = s.endpoint(server, 1);
    ObjectRef victim =
        s.process(
            "victim",
            sys -> {
              Ipc ipc = new Ipc(sys);
              for (long i = 0; ; i++) {
                ipc.w[1] = i;
                ipc.callOrThrow(reg(8), 1, 0, -1);
                victimCalls.incrementAndGet();
              }
            });
    ObjectRef killer =
        s.process(
            "killer",
            sys -> {
              Ipc ipc = new Ipc(sys);
              for (int i = 0; i < 50 || victimCalls.get() < calls; i++) {
                ipc.yieldCpu();
              }
              rescind(sys, 9);
              after.set(echoCalls(ipc, 1_000));
            });
    s.k.setCpuMask(victim, victimMask);
    s.k.setCpuMask(killer, killerMask);
    s.give(victim, 8, s.k.entry(ep, 0));
    s.give(killer, 8, s.k.entry(ep, 0));
    s.give(killer, 9, s.k.cap(victim));
    s.runUntilQuiet(server, victim, killer);
    String stats = s.k.statistics();
    assertThat(s.info(killer).exited()).as(s.console()).isTrue();
    assertThat(after.get()).isEqualTo(1_000L * 1_001 / 2);
    assertThat(counter(stats, "errors")).as(stats).isZero();
    assertThat(s.console()).doesNotContain("kernel error");
    return stats;
  }
}
