package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.ObjectRef;
import jackal.kernel.boot.ProcessInfo;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Per-CPU scheduling: slice donation, its limit, and CPU masks. */
class SchedulingTest {

  @Test
  void donationChainDoesNotStarveOtherProcessesOnTheSameCpu() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      AtomicLong callsWhenBystanderRan = new AtomicLong(-1);
      AtomicLong calls = new AtomicLong();
      ObjectRef server = s.emptyReplyServer("server");
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int i = 0; i < 2_000_000; i++) {
                  ipc.w[1] = 1;
                  ipc.callOrThrow(reg(8), 1, 0, -1);
                  calls.incrementAndGet();
                }
              });
      // Ready from the start, behind the pair: each call donates the CPU to the other side of
      // the pair, so only the end of the slice lets it run before the pair is done.
      ObjectRef bystander = s.process("bystander", sys -> callsWhenBystanderRan.set(calls.get()));
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.runUntilQuiet(server, client, bystander);
      assertThat(calls).hasValue(2_000_000);
      assertThat(callsWhenBystanderRan.get()).isBetween(0L, 1_999_999L);
    }
  }

  @Test
  void processRunsOnlyOnTheCpusOfItsMask() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      ObjectRef server = s.emptyReplyServer("server");
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int i = 0; i < 10_000; i++) {
                  ipc.w[1] = 1;
                  ipc.callOrThrow(reg(8), 1, 0, -1);
                }
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.k.setCpuMask(server, 0b01);
      s.k.setCpuMask(client, 0b10);
      s.runUntilQuiet(server, client);
      assertThat(s.info(client).exited()).isTrue();
      assertThat(s.info(client).cpu()).isEqualTo(1);
      assertThat(s.info(server).cpu()).isEqualTo(0);
    }
  }

  /**
   * A call from CPU 1 to a server pinned to CPU 0, and its reply back: the process woken on the
   * other CPU is queued there only once its waker has released its locks (the endpoint, the caller
   * and its reply endpoint), so it never starts only to find them held and restart. Before, each
   * cross-CPU call restarted about once or more (docs/BENCHMARKS.md).
   */
  @Test
  void aCallAcrossCpusIsNeverRestartedByTheLocksOfItsOwnWaker() throws Exception {
    try (TestSystem s = new TestSystem(2)) {
      ObjectRef server = s.emptyReplyServer("server");
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int i = 0; i < 10_000; i++) {
                  ipc.w[1] = 1;
                  ipc.callOrThrow(reg(8), 1, 0, -1);
                }
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.k.setCpuMask(server, 0b01);
      s.k.setCpuMask(client, 0b10);
      // The server first, until it waits in its receive: started together, the client's first
      // call could find the server's first receive still holding the server's lock (its wait
      // keeps it until the server is off its CPU) and restart, which is not the wake this test is
      // about. It did, in about one cold JVM in three.
      s.runUntilQuiet(server);
      assertThat(s.info(server).runState()).isEqualTo(ProcessInfo.RECEIVING);
      s.k.start(client);
      s.awaitQuiet();
      assertThat(s.info(client).exited()).isTrue();
      String stats = s.k.statistics();
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("restarts=(\\d+)").matcher(stats);
      long restarts = 0;
      int cpus = 0;
      while (m.find()) {
        restarts += Long.parseLong(m.group(1));
        cpus++;
      }
      assertThat(cpus).isEqualTo(2);
      assertThat(restarts).as("transaction restarts (%s)", stats).isZero();
    }
  }
}
