package jackal.runtime;

import static jackal.runtime.TestSystem.reg;
import static org.assertj.core.api.Assertions.assertThat;

import jackal.kernel.api.Codes;
import jackal.kernel.boot.ObjectRef;
import jackal.runtime.idl.coyotos.RangeClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The reply-endpoint replacement protocol: a client whose reply endpoint is a few calls short of
 * its payload wrap keeps calling; the runtime swaps in a fresh endpoint before the wrap, no call is
 * lost or answered twice, and a reply capability kept from before the swap is dead.
 */
class ReplyEndpointRenewalTest {

  @Test
  void replyEndpointIsReplacedBeforeItsPayloadWrapsWithNoCallLostOrAnsweredTwice()
      throws Exception {
    try (TestSystem s = new TestSystem(1)) {
      List<String> out = new CopyOnWriteArrayList<>();
      AtomicLong good = new AtomicLong();
      AtomicLong bad = new AtomicLong();
      ObjectRef server =
          s.process(
              "server",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.receive();
                new Ipc(sys).copyCap(reg(CapReg.RETURN), reg(10)); // keep the first reply cap
                for (; ; ) {
                  if (ipc.w[1] == 2) {
                    // Try to answer the first call a second time, through the kept capability.
                    ipc.w[1] = -1;
                    ipc.send(reg(10), 1, -1, true);
                    ipc.w[1] = 2;
                  }
                  ipc.replyAndReceive(2, -1); // echo words 1 and 2
                }
              });
      ObjectRef replyPool1 = s.k.newEndpoint();
      ObjectRef replyPool2 = s.k.newEndpoint();
      ObjectRef client =
          s.process(
              "client",
              sys -> {
                Ipc ipc = new Ipc(sys);
                ipc.renewReplyEndpointWith(
                    new RangeReplyEndpoints(TestSystem.RANGE, replyPool1.oid(), 2, 16, 17));
                RangeClient rangeClient = new RangeClient(new Ipc(sys));
                var before = rangeClient.identify(reg(TestSystem.RANGE), reg(CapReg.REPLYEPT));
                for (long seq = 0; seq < 300; seq++) {
                  ipc.w[1] = 1;
                  ipc.w[2] = seq;
                  ipc.callOrThrow(reg(8), 2, 0, -1);
                  if (ipc.w[1] == 1 && ipc.w[2] == seq) {
                    good.incrementAndGet();
                  } else {
                    bad.incrementAndGet();
                    out.add(
                        "bad seq "
                            + seq
                            + " got "
                            + ipc.w[1]
                            + " "
                            + ipc.w[2]
                            + " pp "
                            + Long.toHexString(ipc.payload())
                            + " icw "
                            + Long.toHexString(ipc.w[0]));
                  }
                }
                ipc.w[1] = 2; // ask the server to replay its stale reply capability
                ipc.w[2] = 300;
                ipc.callOrThrow(reg(8), 2, 0, -1);
                out.add("last reply " + ipc.w[1] + " " + ipc.w[2]);
                var after = rangeClient.identify(reg(TestSystem.RANGE), reg(CapReg.REPLYEPT));
                out.add(
                    "replaced "
                        + (before.offset() != after.offset())
                        + " by pool "
                        + (after.offset() == replyPool1.oid()
                            || after.offset() == replyPool2.oid()));
                out.add("payload now " + Long.toHexString(ipc.payload()));
              });
      s.give(client, 8, s.k.entry(s.endpoint(server, 1), 0));
      s.k.setProtectedPayload(s.replyEndpoint(client), 0xFFFF_FFFF - 100);
      s.runUntilQuiet(server, client);
      assertThat(good).as("%s", out).hasValue(300);
      assertThat(bad).hasValue(0);
      assertThat(out).hasSize(3);
      assertThat(out.get(0)).isEqualTo("last reply 2 300");
      assertThat(out.get(1)).isEqualTo("replaced true by pool true");
      // The new endpoint started at payload 0, far from its own wrap.
      assertThat(Long.parseLong(out.get(2).substring("payload now ".length()), 16))
          .isLessThan(1000);
      assertThat(s.k.protectedPayload(s.replyEndpoint(client)))
          .as("old endpoint rescinded")
          .isZero();
      assertThat(Codes.OT_ENDPOINT).isEqualTo(4);
    }
  }
}
