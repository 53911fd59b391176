package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.ObjectRef;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The server loop chooses by endpoint ID and payload, and answers what it cannot serve. */
class ServerLoopTest {

  @Test
  void serverLoopDispatchesByEndpointAndPayloadAndAnswersUnknownRequests() throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out = new CopyOnWriteArrayList<>();
      ObjectRef server =
          s.process(
              "server",
              sys ->
                  new ServerLoop(new Ipc(sys))
                      .register(
                          1,
                          (ipc, r) -> {
                            ipc.w[1] = 100 + ipc.w[2];
                            r.words(1);
                          })
                      .register(
                          2,
                          7,
                          (ipc, r) -> {
                            ipc.w[1] = 7000 + ipc.w[2];
                            r.words(1);
                          })
                      .register(
                          2,
                          (ipc, r) -> {
                            throw new KernelException(Codes.RC_NO_ACCESS);
                          })
                      .run());
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int target = 8; target <= 11; target++) {
                  ipc.w[1] = 1;
                  ipc.w[2] = 5;
                  boolean ok = ipc.call(reg(target), 2, 0, -1);
                  out.add(ok ? "ok " + ipc.w[1] : KernelException.describe(ipc.exceptionCode()));
                }
                ipc.w[1] = 1; // a request with no capabilities at all is dropped
                ipc.send(reg(8), 1, -1, true);
                ipc.w[2] = 6;
                ipc.call(reg(8), 2, 0, -1);
                out.add("still serving " + ipc.w[1]);
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      ObjectRef two = s.endpoint(server, 2);
      s.give(client, 9, s.k.entry(two, 7));
      s.give(client, 10, s.k.entry(two, 8));
      s.give(client, 11, s.k.entry(s.endpoint(server, 3), 0));
      s.runUntilQuiet(server, client);
      assertThat(out)
          .containsExactly("ok 105", "ok 7005", "NoAccess", "UnknownRequest", "still serving 106");
    }
  }
}
