package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.boot.ObjectRef;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many processes on two CPUs exchange a million messages: every request is served exactly once and
 * every client gets exactly its own replies, in order.
 */
class MillionMessagesTest {
  static final int SERVERS = 4;
  static final int CLIENTS = 8;
  static final int CALLS_PER_CLIENT = 125_000;

  @Test
  void manyProcessesOnTwoCpusExchangeAMillionMessagesWithNoneLostOrDuplicated() throws Exception {
    AtomicIntegerArray served = new AtomicIntegerArray(CLIENTS * CALLS_PER_CLIENT);
    AtomicLong goodReplies = new AtomicLong();
    AtomicLong badReplies = new AtomicLong();
    try (TestSystem s = new TestSystem(2)) {
      ObjectRef[] servers = new ObjectRef[SERVERS];
      ObjectRef[] endpoints = new ObjectRef[SERVERS];
      for (int i = 0; i < SERVERS; i++) {
        final long serverId = i;
        servers[i] =
            s.process(
                "server" + i,
                sys -> {
                  Ipc ipc = new Ipc(sys);
                  ipc.receive();
                  for (; ; ) {
                    long client = ipc.w[2];
                    long seq = ipc.w[3];
                    served.incrementAndGet((int) (client * CALLS_PER_CLIENT + seq));
                    ipc.w[1] = client;
                    ipc.w[2] = seq;
                    ipc.w[3] = serverId;
                    ipc.replyAndReceive(3, -1);
                  }
                });
        endpoints[i] = s.endpoint(servers[i], 100 + i);
        if (i % 2 == 0) {
          s.k.setCpuMask(servers[i], 1L << (i / 2 % 2)); // two pinned servers, two free ones
        }
      }
      ObjectRef[] clients = new ObjectRef[CLIENTS];
      for (int c = 0; c < CLIENTS; c++) {
        final long clientId = c;
        clients[c] =
            s.process(
                "client" + c,
                sys -> {
                  Ipc ipc = new Ipc(sys);
                  for (int seq = 0; seq < CALLS_PER_CLIENT; seq++) {
                    int server = (int) ((clientId + seq) % SERVERS);
                    ipc.w[1] = 1;
                    ipc.w[2] = clientId;
                    ipc.w[3] = seq;
                    ipc.callOrThrow(reg(8 + server), 3, 0, -1);
                    if (ipc.w[1] == clientId && ipc.w[2] == seq && ipc.w[3] == server) {
                      goodReplies.incrementAndGet();
                    } else {
                      badReplies.incrementAndGet();
                    }
                  }
                });
        for (int i = 0; i < SERVERS; i++) {
          s.give(clients[c], 8 + i, s.k.entry(endpoints[i], (int) clientId));
        }
        if (c % 2 == 0) {
          s.k.setCpuMask(clients[c], 1L << (c / 2 % 2));
        }
      }
      for (ObjectRef sv : servers) {
        s.k.start(sv);
      }
      for (ObjectRef cl : clients) {
        s.k.start(cl);
      }
      s.boot();
      // A correctness test, not a timed one: on a host shared by many JVMs a million calls can
      // take minutes of wall clock, so it waits longer than the usual minute.
      assertThat(s.k.awaitQuiescent(Duration.ofMinutes(5)))
          .as("the system settles (console so far: %s)", s.console())
          .isTrue();
      StringBuilder states = new StringBuilder();
      for (ObjectRef p : servers) {
        states.append(p).append(' ').append(s.info(p)).append('\n');
      }
      for (ObjectRef p : clients) {
        states.append(p).append(' ').append(s.info(p)).append('\n');
      }
      for (ObjectRef cl : clients) {
        assertThat(s.info(cl).exited())
            .as("%s finished; states:%n%s%s", cl, states, s.console())
            .isTrue();
      }
    }
    assertThat(badReplies).hasValue(0);
    assertThat(goodReplies).hasValue((long) CLIENTS * CALLS_PER_CLIENT);
    for (int i = 0; i < served.length(); i++) {
      if (served.get(i) != 1) {
        throw new AssertionError("request " + i + " served " + served.get(i) + " times");
      }
    }
  }
}
