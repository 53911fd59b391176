package jackal.runtime;

import static jackal.runtime.TestSystem.counter;
import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jackal.kernel.api.FaultCode;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.KernelConfig;
import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import jackal.kernel.boot.ProgramSpace;
import jackal.runtime.confined.ChainClient;
import jackal.runtime.confined.ChainMiddle;
import jackal.runtime.confined.DeepCaller;
import jackal.runtime.confined.DeepServer;
import jackal.runtime.confined.Failing;
import jackal.runtime.confined.HonestClient;
import jackal.runtime.confined.HonestServer;
import jackal.runtime.confined.ReplyRaces;
import jackal.runtime.confined.SpinsWhenCalled;
import jackal.runtime.confined.WaitsInClassInit;
import jackal.runtime.idl.coyotos.ProcessClient;
import jackal.runtime.idl.coyotos.RangeClient;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A same-CPU call runs its server in place: the caller's trap dispatches the process it donated its
 * slice to on its own Java stack, and the server's yield comes back into that trap (Cpu
 * .runDonatedInPlace; docs/DESIGN-NOTES.md, "The same-CPU call runs its server in place"). These
 * tests show that it happens, that it is only taken when the dispatch loop would have run the
 * server next, and that a server cannot make its waiting caller's trap wait for the server itself.
 */
class InPlaceCallTest {
  private static final int CALLS = 1000;

  /** The echo exchange of the benchmarks: w[1] + 1, {@code CALLS} times. */
  private static ObjectRef echo(TestSystem s) {
    return s.process(
        "echo",
        sys -> {
          Ipc ipc = new Ipc(sys);
          ipc.receive();
          for (; ; ) {
            ipc.w[1] = ipc.w[1] + 1;
            ipc.replyAndReceive(1, -1);
          }
        });
  }

  @Test
  void everySameCpuCallRunsItsServerInPlaceWithoutADispatchOfTheCaller() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicLong sum = new AtomicLong();
      ObjectRef server = echo(s);
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                long total = 0;
                for (int i = 0; i < CALLS; i++) {
                  ipc.w[1] = i;
                  ipc.callOrThrow(reg(8), 1, 0, -1);
                  total += ipc.w[1];
                }
                sum.set(total);
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 3), 0));
      s.runUntilQuiet(server, client);
      String stats = s.k.statistics();
      assertThat(sum.get()).isEqualTo((long) CALLS * (CALLS + 1) / 2);
      assertThat(counter(stats, "in-place")).as(stats).isEqualTo(CALLS);
      // One dispatch per call (the server's, in place), none for the caller's return: without
      // the in-place run each call+reply dispatched both.
      assertThat(counter(stats, "dispatches")).as(stats).isLessThan(CALLS + 20);
      assertThat(s.info(client).exited()).isTrue();
      assertThat(s.info(server).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  /**
   * Another process waiting for the CPU does not stop a call from running its server in place: the
   * loop would run the donee next all the same while the call chain's slice lasts. Once the slice
   * is over the call waits the ordinary way, and the loop puts the donee at the back of the queue,
   * so the waiting process runs at every slice's end.
   */
  @Test
  void aCallRunsInPlaceWhileItsSliceLastsAndAProcessWaitingForTheCpuRunsAtEachSlicesEnd()
      throws Exception {
    int calls = 40_000; // 10-20 ms: tens of 500 us slices
    try (TestSystem s = new TestSystem(1)) {
      AtomicLong sum = new AtomicLong();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong spins = new AtomicLong();
      long[] spinsDuringCalls = {-1};
      ObjectRef server = echo(s);
      // A process that is always ready: it yields its slice back to the queue, forever, so the
      // queue is never empty when the client calls.
      ObjectRef spinner =
          s.process(
              "spinner",
              sys -> {
                Ipc ipc = new Ipc(sys);
                while (!stop.get()) {
                  spins.incrementAndGet();
                  ipc.yieldCpu();
                }
              });
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                long first = spins.get();
                long total = 0;
                for (int i = 0; i < calls; i++) {
                  ipc.w[1] = i;
                  ipc.callOrThrow(reg(8), 1, 0, -1);
                  total += ipc.w[1];
                }
                spinsDuringCalls[0] = spins.get() - first;
                sum.set(total);
                stop.set(true);
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 3), 0));
      s.runUntilQuiet(server, spinner, client);
      String stats = s.k.statistics();
      assertThat(sum.get()).isEqualTo((long) calls * (calls + 1) / 2);
      assertThat(counter(stats, "in-place")).as(stats).isGreaterThan(calls / 2);
      assertThat(spinsDuringCalls[0])
          .as("the spinner's turns while the client called")
          .isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void aLoadedProgramsCallsRunTheirServerInPlace() throws Exception {
    assumeTrue(Kernel.inPlaceUnavailable() == null, Kernel::inPlaceUnavailable);
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef[] pair = LoadedProgramTest.honestPair(s, progs);
      s.runUntilQuiet(pair);
      String stats = s.k.statistics();
      assertThat(s.console()).contains("honest: counted " + HonestClient.CALLS);
      // Every call but the first few (the server not yet receiving) runs the server in place.
      assertThat(counter(stats, "in-place")).as(stats).isGreaterThan(HonestClient.CALLS - 10);
      assertThat(counter(stats, "in-place-too-deep")).as(stats).isZero();
    }
  }

  /**
   * Three loaded programs in a chain, the middle one calling on while its own caller waits for it
   * (the shape of the pipe: its server answers one client while serving another). Each of the
   * client's calls runs the middle in place, whose onward call then waits through the loop (one
   * level), so the chain mixes runs in place with ordinary dispatches of the same processes.
   */
  private static void chainOfThreeLoadedPrograms(int cpus) throws Exception {
    assumeTrue(Kernel.inPlaceUnavailable() == null, Kernel::inPlaceUnavailable);
    try (TestSystem s = new TestSystem(cpus)) {
      Programs progs = new Programs(s);
      ObjectRef end = progs.process("chain-end", HonestServer.class);
      ObjectRef middle = progs.process("chain-middle", ChainMiddle.class);
      ObjectRef client = progs.process("chain-client", ChainClient.class);
      s.give(middle, CapReg.APP0, s.k.entry(s.endpoint(end, 1), 0));
      s.give(client, CapReg.APP0, s.k.entry(s.endpoint(middle, 2), 0));
      s.runUntilQuiet(end, middle, client);
      String stats = s.k.statistics();
      assertThat(s.console())
          .as(stats)
          .contains("chain: counted " + 2L * ChainClient.CALLS)
          .doesNotContain("died")
          .doesNotContain("kernel error");
      assertThat(counter(stats, "in-place")).as(stats).isPositive();
      assertThat(s.k.kernelErrors()).isZero();
      assertThat(s.info(client).exited()).isTrue();
      assertThat(s.info(middle).runState()).isEqualTo(ProcessInfo.RECEIVING);
      assertThat(s.info(end).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  /**
   * A loaded server run in place that never answers and never calls the kernel again: the caller's
   * trap hosts it, and the CPU switched to it without passing through its dispatch loop. {@code
   * stopper} (trusted, on {@code stopperMask}'s CPU) hears from it that it spins, and destroys it.
   */
  private static void spinnerRunInPlaceIsStopped(int cpus, long stopperMask) throws Exception {
    assumeTrue(Kernel.inPlaceUnavailable() == null, Kernel::inPlaceUnavailable);
    try (TestSystem s = new TestSystem(cpus)) {
      Programs progs = new Programs(s);
      ObjectRef spinner = progs.process("spinner", SpinsWhenCalled.class);
      ObjectRef client = progs.process("caller", HonestClient.class);
      AtomicBoolean rescinded = new AtomicBoolean();
      ObjectRef stopper =
          s.process(
              "stopper",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                new RangeClient(ipc).rescind(reg(TestSystem.RANGE), reg(9));
                rescinded.set(true);
              });
      s.k.setCpuMask(spinner, 0b01);
      s.k.setCpuMask(client, 0b01);
      s.k.setCpuMask(stopper, stopperMask);
      s.give(spinner, CapReg.APP0, s.k.entry(s.endpoint(stopper, 5), 0));
      s.give(client, CapReg.APP0, s.k.entry(s.endpoint(spinner, 1), 0));
      s.give(stopper, 9, s.k.cap(spinner));
      // Quiet only once the spinner has stopped: a mark it never saw would keep its CPU busy.
      s.runUntilQuiet(spinner, stopper, client);
      String stats = s.k.statistics();
      assertThat(rescinded).as(stats).isTrue();
      assertThat(counter(stats, "in-place")).as(stats).isPositive();
      assertThat(s.k.kernelErrors()).isZero();
      assertThat(s.console()).doesNotContain("kernel error");
    }
  }

  @Test
  void aServerSpinningInPlaceIsStoppedByADestroyFromAnotherCpu() throws Exception {
    spinnerRunInPlaceIsStopped(2, 0b10);
  }

  /**
   * The stopper is woken on the spinner's own CPU: it can only run if the slice timer's mark on the
   * spinner, which runs in place, makes it give the CPU up.
   */
  @Test
  void aServerSpinningInPlaceGivesTheCpuUpWhenItsSliceEndsWithAnotherProcessWaiting()
      throws Exception {
    spinnerRunInPlaceIsStopped(1, 0b01);
  }

  @Test
  void aLoadedChainOfThreeOnOneCpuWhoseMiddleCallsOnWhileServingAnswersEveryCall()
      throws Exception {
    chainOfThreeLoadedPrograms(1);
  }

  /**
   * The same chain on two CPUs, where its processes also wait through the loop and move between the
   * CPUs' threads. (The fault the pipe met here, a program's compiled loop asking the CPU it had
   * waited on which process runs there, depends on what C2 hoists, and this test did not bring it
   * out in 120 runs without the fix: see docs/DESIGN-NOTES.md, "Processes as continuations, and
   * thread identity".)
   */
  @Test
  void aLoadedChainOfThreeOnTwoCpusAnswersEveryCallWhereverItsProcessesRun() throws Exception {
    chainOfThreeLoadedPrograms(2);
  }

  @Test
  void aCallFromAClassInitializerIsRefusedThoughItsServerCouldRunInPlace() throws Exception {
    // The attacker's class initializer calls a server that the CPU would run next, with nothing
    // else ready: run in place, the server would answer without the caller ever waiting. A
    // continuation inside an initializer cannot wait, so the call must be refused as it is when it
    // goes through the dispatch loop.
    assumeTrue(Kernel.inPlaceUnavailable() == null, Kernel::inPlaceUnavailable);
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef server = progs.process("honest-server", HonestServer.class);
      ObjectRef hostile = progs.process("class-init", WaitsInClassInit.class);
      s.give(hostile, CapReg.APP0, s.k.entry(s.endpoint(server, 1), 0));
      s.runUntilQuiet(server, hostile);
      String stats = s.k.statistics();
      assertThat(s.info(hostile).faultCode())
          .as("%s", s.console())
          .isEqualTo(FaultCode.PROGRAM_EXCEPTION);
      assertThat(s.console())
          .contains("could not wait")
          .doesNotContain("class-init: 42")
          .doesNotContain("kernel error");
      assertThat(counter(stats, "in-place")).as(stats).isZero();
      assertThat(s.k.kernelErrors()).isZero();
      assertThat(s.info(server).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  @Test
  void aDeepClientCannotLeaveItsServerLessThanThreeQuartersOfTheStackItWouldHaveFromTheLoop()
      throws Exception {
    // The attacker calls from every depth up to its limit; the server answers with how deep it
    // could recurse while serving each call. Run in place under a deep caller, the server would
    // have what the caller left; the in-place run is taken only while that is at least three
    // quarters of what the loop leaves (Cpu.stackGuarantee), so no answer falls below about three
    // quarters of the depth the server reached from a dispatch by the loop (the same method's
    // frames, compiled, in each).
    assumeTrue(Kernel.inPlaceUnavailable() == null, Kernel::inPlaceUnavailable);
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef server = progs.process("deep-server", DeepServer.class);
      ObjectRef client = progs.process("deep-caller", DeepCaller.class);
      s.give(client, CapReg.APP0, s.k.entry(s.endpoint(server, 1), 0));
      s.runUntilQuiet(server, client);
      String stats = s.k.statistics();
      Matcher m =
          Pattern.compile("deep: answered=(\\d+) least=(\\d+) most=(\\d+) ordinary=(\\d+)")
              .matcher(s.console());
      assertThat(m.find()).as("%s", s.console()).isTrue();
      long answered = Long.parseLong(m.group(1));
      long least = Long.parseLong(m.group(2));
      long ordinary = Long.parseLong(m.group(4));
      assertThat(answered).as(s.console()).isPositive();
      // Three quarters of the loop's stack, less the frames below the recursion in each case.
      assertThat(least).as(s.console() + stats).isGreaterThanOrEqualTo(ordinary * 7 / 10);
      // Both paths were taken: in place from the shallow depths, through the loop from the deep.
      assertThat(counter(stats, "in-place")).as(stats).isPositive();
      assertThat(counter(stats, "in-place-too-deep")).as(stats).isPositive();
      assertThat(s.k.kernelErrors()).isZero();
      assertThat(s.console()).doesNotContain("kernel error");
    }
  }

  @Test
  void onACapturingKernelALoadedProgramsCallsWaitThroughTheLoop() throws Exception {
    // A kernel that makes programs capturable runs no loaded caller's server in place: cuts taken
    // during such runs were not shown to complete (docs/DESIGN-NOTES.md, "Captures and cuts").
    try (TestSystem s = new TestSystem(KernelConfig.defaults().withCpus(1).withCapture(true))) {
      Programs progs = new Programs(s);
      ObjectRef[] pair = LoadedProgramTest.honestPair(s, progs);
      s.runUntilQuiet(pair);
      String stats = s.k.statistics();
      assertThat(s.console()).contains("honest: counted " + HonestClient.CALLS);
      assertThat(counter(stats, "in-place")).as(stats).isZero();
      assertThat(s.k.kernelErrors()).isZero();
    }
  }

  @Test
  void aServerRunInPlaceThatReplacesItsCallersProgramDoesNotWaitForTheCaller() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ProgramSpace replacement = progs.space(Failing.Replacement.class, Failing.class);
      AtomicBoolean callerResumed = new AtomicBoolean();
      AtomicLong attackerDone = new AtomicLong();
      // The server is run in place by its caller's trap; it then replaces the caller's program,
      // which treats a process running on a CPU as a held lock: the caller must not count as
      // running here, or the server would restart its call forever.
      ObjectRef attacker =
          s.process(
              "attacker",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                try {
                  new ProcessClient(new Ipc(sys)).setSpaceAndPC(reg(21), reg(22), replacement.pc());
                  attackerDone.set(1);
                } catch (KernelException e) {
                  attackerDone.set(2);
                }
                ipc.replyAndReceive(0, -1);
              });
      ObjectRef victim =
          s.process(
              "victim",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.call(reg(8), 0, 0, -1);
                callerResumed.set(true);
              });
      s.give(victim, 8, s.k.entry(s.endpoint(attacker, 3), 0));
      s.give(attacker, 21, s.k.cap(victim));
      s.give(attacker, 22, replacement.space());
      s.runUntilQuiet(attacker, victim);
      String stats = s.k.statistics();
      assertThat(counter(stats, "in-place")).as(stats).isGreaterThanOrEqualTo(1);
      assertThat(attackerDone.get()).isEqualTo(1);
      assertThat(callerResumed.get()).isFalse();
      assertThat(s.console()).contains("replacement runs");
      assertThat(s.info(victim).exited()).isTrue();
      assertThat(s.info(attacker).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  /**
   * The caller's trap returns on a delivered reply without locking itself again (Gate
   * .afterInPlace). The attacker, a loaded program run in place, replies and then, still running on
   * the caller's stack, destroys the caller: the reply is delivered (the flag the fast path reads
   * is set), yet the caller must not run another instruction of its program.
   */
  @Test
  void aServerRunInPlaceThatRepliesAndThenDestroysItsCallerNeverLetsTheCallerReturn()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef attacker =
          progs.process("attacker", ReplyRaces.RepliesThenDestroysCaller.class, ReplyRaces.class);
      ObjectRef victim = progs.process("victim", ReplyRaces.Caller.class, ReplyRaces.class);
      s.give(victim, CapReg.APP0, s.k.entry(s.endpoint(attacker, 3), 0));
      s.give(attacker, 21, s.k.cap(victim));
      s.runUntilQuiet(attacker, victim);
      String stats = s.k.statistics();
      String console = s.console();
      assertThat(counter(stats, "in-place")).as(stats).isEqualTo(1);
      assertThat(console)
          .contains("attacker destroyed its caller")
          .doesNotContain("caller resumed")
          .doesNotContain("kernel error")
          .doesNotContain("died");
      assertThat(s.k.kernelErrors()).isZero();
      assertThat(s.info(attacker).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }

  /**
   * The other way round: the attacker, a loaded program run in place, rescinds the caller's reply
   * endpoint before it replies, so its reply goes nowhere. No reply was delivered, so the caller's
   * trap takes the locked path and waits: it must not return from its call as though answered.
   */
  @Test
  void aCallerWhoseReplyEndpointIsRescindedWhileItsServerRunsInPlaceKeepsWaiting()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      Programs progs = new Programs(s);
      ObjectRef attacker =
          progs.process(
              "attacker", ReplyRaces.RescindsReplyEndpointThenReplies.class, ReplyRaces.class);
      ObjectRef victim = progs.process("victim", ReplyRaces.Caller.class, ReplyRaces.class);
      ObjectRef replyEndpoint = s.replyEndpoint(victim);
      s.give(victim, CapReg.APP0, s.k.entry(s.endpoint(attacker, 3), 0));
      s.give(attacker, 21, s.k.cap(replyEndpoint));
      s.runUntilQuiet(attacker, victim);
      String stats = s.k.statistics();
      String console = s.console();
      assertThat(counter(stats, "in-place")).as(stats).isEqualTo(1);
      assertThat(console)
          .contains("attacker replied")
          .doesNotContain("caller resumed")
          .doesNotContain("kernel error")
          .doesNotContain("died");
      assertThat(s.k.kernelErrors()).isZero();
      assertThat(s.info(victim).runState()).isEqualTo(ProcessInfo.RECEIVING);
    }
  }
}
