package jackal.image.persist;

import static org.assertj.core.api.Assertions.assertThat;

import jackal.image.persist.programs.EchoServer;
import jackal.image.persist.programs.LoopingClient;
import jackal.image.store.Store;
import jackal.kernel.boot.Kernel;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.CapReg;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cuts taken one after another while clients call a server as fast as they can (issue 12: cuts
 * abandoned because a busy process "reached no capture point"). A process asked for its state just
 * after its last capture point, inside a call, then blocks in that call: a client stalled on the
 * server the cut already holds, or the server receiving while every client is held. Nothing brings
 * it to a capture point unless the cut wakes it again; every cut here must be taken.
 */
class CutUnderCallLoadTest {
  /** The ledger's bound: a cut that waits this long for a process that makes calls is a bug. */
  private static final Duration BOUND = Duration.ofSeconds(2);

  private static final int CLIENTS = 3;
  private static final int CUTS = 50;

  @TempDir Path dir;

  @Test
  void fiftyCutsInARowWhileClientsCallAServerInALoopAreAllTakenAndNoAnswerIsWrong()
      throws Exception {
    long seed = new Random().nextLong();
    System.out.println("CutUnderCallLoadTest seed " + seed);
    Random random = new Random(seed);
    try (Kernel k = Kernel.create(Systems.persisting());
        Store store = Store.open(dir)) {
      Systems.Code code = Systems.Code.of(k);
      ObjectRef server = Systems.process(k, code, "echo", EchoServer.class);
      ObjectRef ep = k.newEndpoint();
      k.setRecipient(ep, server);
      List<Long> clients = new ArrayList<>();
      List<ObjectRef> refs = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        ObjectRef c = Systems.process(k, code, "caller" + i, LoopingClient.class);
        k.setCapReg(c, CapReg.APP0, k.entry(ep, 5));
        clients.add(c.oid());
        refs.add(c);
      }
      k.start(server);
      for (ObjectRef c : refs) {
        k.start(c);
      }
      k.checkpoint(store, true, BOUND);
      try (Kernel running = k.boot()) {
        for (long c : clients) {
          Systems.await(() -> Systems.word(running, c, 8) > 0, "every client has an answer");
        }
        long generation = store.generation();
        for (int i = 0; i < CUTS; i++) {
          // Throws CheckpointIncompleteException, naming the process, if a cut is abandoned.
          running.checkpoint(store, false, BOUND);
          Thread.sleep(random.nextInt(3)); // 0 to 2 ms of calls between cuts
        }
        assertThat(store.generation()).isEqualTo(generation + CUTS);
        for (long c : clients) {
          Systems.setWord(running, c, 24, 1);
        }
        for (long c : clients) {
          Systems.await(() -> Systems.result(running, c) == 1, "every client stops calling");
          assertThat(Systems.word(running, c, 16)).as("wrong answers").isZero();
        }
      }
    }
  }
}
