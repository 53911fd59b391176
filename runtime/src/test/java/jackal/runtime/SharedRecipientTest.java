package jackal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jackal.kernel.boot.CapRef;
import jackal.kernel.boot.KernelService;
import jackal.kernel.boot.ObjectRef;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * The boot API's {@code setRecipient(endpoint, Process capability)}: many endpoints share one
 * recipient capability (as endpoints set from a register do), and nothing but a Process capability
 * can be a recipient.
 */
class SharedRecipientTest {

  @Test
  void endpointsGivenOneProcessCapabilityAllDeliverToThatProcessWithTheirOwnIds()
      throws InterruptedException {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                for (; ; ) {
                  ipc.w[1] = ipc.endpointId();
                  ipc.replyAndReceive(1, -1);
                }
              });
      CapRef recipient = s.k.cap(server);
      ObjectRef first = s.k.newEndpoint();
      ObjectRef second = s.k.newEndpoint();
      s.k.setRecipient(first, recipient);
      s.k.setRecipient(second, recipient);
      s.k.setEndpointId(first, 11);
      s.k.setEndpointId(second, 22);
      AtomicLongArray answers = new AtomicLongArray(2);
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                for (int i = 0; i < 2; i++) {
                  if (ipc.call(TestSystem.reg(CapReg.APP0 + i), 1, 0, -1)) {
                    answers.set(i, ipc.w[1]);
                  }
                }
              });
      s.give(client, CapReg.APP0, s.k.entry(first, 0));
      s.give(client, CapReg.APP0 + 1, s.k.entry(second, 0));
      s.runUntilQuiet(server, client);
      assertThat(answers.get(0)).as("through the first endpoint").isEqualTo(11);
      assertThat(answers.get(1)).as("through the second endpoint").isEqualTo(22);
    }
  }

  @Test
  void aRecipientThatIsNotAProcessCapabilityIsRefusedAndChangesNothing()
      throws InterruptedException {
    try (TestSystem s = new TestSystem(1)) {
      ObjectRef server = s.emptyReplyServer("server");
      ObjectRef ep = s.k.newEndpoint();
      s.k.setRecipient(ep, s.k.cap(server));
      ObjectRef other = s.k.newEndpoint();
      CapRef[] notProcesses = {
        s.k.entry(other, 0),
        s.k.cap(other),
        s.k.cap(s.k.newPage()),
        s.k.nullCap(),
        s.k.kernelCap(KernelService.DISCRIM),
        s.k.restricted(s.k.cap(s.k.newGpt()), 0)
      };
      for (CapRef c : notProcesses) {
        assertThatThrownBy(() -> s.k.setRecipient(ep, c))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("a recipient is a Process capability");
      }
      boolean[] answered = new boolean[1];
      ObjectRef client =
          s.process(
              "client",
              sys -> answered[0] = new Ipc(sys).call(TestSystem.reg(CapReg.APP0), 0, 0, -1));
      s.give(client, CapReg.APP0, s.k.entry(ep, 0));
      s.runUntilQuiet(server, client);
      assertThat(answered[0]).as("the endpoint still delivers to its process").isTrue();
    }
  }
}
